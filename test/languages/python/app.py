# The Python smoke app: the jsii-rosetta translations of the README's complete app and of its active-active example,
# run as written (the README's blocks translated as Construct Hub shows them), then the features every jsii language
# must carry across the boundary. The TypeScript app beside this one (../typescript/app.ts) declares the same
# constructs with the same ids; same-templates.smoke.ts checks that both synthesize the same templates.

# ---- README "A complete app", as jsii-rosetta translates it (its final `app.synth()` is at the end of this file) ----

from aws_cdk import Environment
from aws_cdk import App, Stack
import aws_cdk.aws_ec2 as ec2
from cdk_msk_replicator import MskReplicator, ReplicatorCluster

app = App()
# The replicator lives in the target cluster's Region.
stack = Stack(app, "OrdersReplication", env=Environment(account="111111111111", region="eu-central-1"))

vpc = ec2.Vpc.from_lookup(stack, "Vpc", vpc_id="vpc-0a1b2c3d4e5f67890")
brokers = ec2.SecurityGroup.from_security_group_id(stack, "Brokers", "sg-0a1b2c3d4e5f67890")

replicator = MskReplicator(stack, "OrdersDr",
    source=ReplicatorCluster.from_msk_cluster(
        cluster_arn="arn:aws:kafka:eu-central-1:111111111111:cluster/orders/0a1b2c3d-4e5f-6789-0a1b-2c3d4e5f6789-1",
        vpc=vpc
    ),
    target=ReplicatorCluster.from_msk_cluster(
        cluster_arn="arn:aws:kafka:eu-central-1:111111111111:cluster/orders-dr/9f8e7d6c-5b4a-3210-9f8e-7d6c5b4a3210-2",
        vpc=vpc
    )
)

# Let the replicator's network interfaces into both clusters' brokers (TCP 9098, IAM authentication).
replicator.allow_source_cluster_access(brokers)
replicator.allow_target_cluster_access(brokers)
# Alarms on failures, authentication errors, unreachable clusters, lag, latency and offset synchronisation.
replicator.add_recommended_alarms()


# ---- README "Active-active", as jsii-rosetta translates it ----

from cdk_msk_replicator import ActiveActiveReplication

from aws_cdk import Environment, Environment
from cdk_msk_replicator import ActiveActiveClusterOptions, ActiveActiveClusterOptions
stack_a = Stack(app, "OrdersIreland", env=Environment(account="111111111111", region="eu-west-1"))
stack_b = Stack(app, "OrdersFrankfurt", env=Environment(account="111111111111", region="eu-central-1"))
active_active = ActiveActiveReplication(app, "Orders",
    cluster_a=ActiveActiveClusterOptions(
        stack=stack_a,
        cluster_arn="arn:aws:kafka:eu-west-1:111111111111:cluster/orders-a/0a1b2c3d-0000-4000-8000-000000000001-1",
        vpc=ec2.Vpc.from_vpc_attributes(stack_a, "VpcA",
            vpc_id="vpc-0a0000000000000a1", vpc_cidr_block="10.10.0.0/16",
            availability_zones=["eu-west-1a", "eu-west-1b"], private_subnet_ids=["subnet-0a00000000000a001", "subnet-0a00000000000a002"]
        )
    ),
    cluster_b=ActiveActiveClusterOptions(
        stack=stack_b,
        cluster_arn="arn:aws:kafka:eu-central-1:111111111111:cluster/orders-b/0a1b2c3d-0000-4000-8000-000000000002-1",
        vpc=ec2.Vpc.from_vpc_attributes(stack_b, "VpcB",
            vpc_id="vpc-0b0000000000000b1", vpc_cidr_block="10.20.0.0/16",
            availability_zones=["eu-central-1a", "eu-central-1b"], private_subnet_ids=["subnet-0b00000000000b001", "subnet-0b00000000000b002"]
        )
    ),
    topics_to_replicate=["orders\\..*"]
)
active_active.replicator_a_to_b.metric_replication_latency()


# ---- What crosses the language boundary ----

import aws_cdk.aws_cloudwatch as cloudwatch
import aws_cdk.aws_iam as iam
import aws_cdk.aws_logs as logs
import aws_cdk.aws_secretsmanager as secretsmanager
from aws_cdk import RemovalPolicy
from cdk_msk_replicator import (
    ConsumerGroupOffsetSyncMode, ConsumerGroupReplicationOptions, KafkaClusterAuthentication, ReplicatorClusterSide,
    ReplicatorLogDelivery, ReplicatorProviderLogOptions, ScramMechanism, StartingPosition, TargetCompressionType,
    TopicNameConfiguration, TopicReplicationOptions,
)

# An optional property that returns a Stack: the README names the stack of A's cluster policy.
if active_active.cluster_a_policy_stack is None or active_active.cluster_a_policy_stack.stack_name != "OrdersIrelandOrdersSourceAccess":
    raise SystemExit("cluster_a_policy_stack is not the README's OrdersIrelandOrdersSourceAccess")

# A metric helper's result, rendered into the template through an alarm.
active_active.replicator_a_to_b.metric_replication_latency().create_alarm(stack_b, "AToBLatency",
    threshold=90_000, evaluation_periods=5)

# A self-managed source with SASL/SCRAM (static factories), enums and nested structs.
migration = Stack(app, "OrdersMigration", env=Environment(account="111111111111", region="eu-central-1"))
on_prem_vpc = ec2.Vpc.from_vpc_attributes(migration, "OnPremVpc",
    vpc_id="vpc-0c0000000000000c1", vpc_cidr_block="10.30.0.0/16",
    availability_zones=["eu-central-1a", "eu-central-1b"], private_subnet_ids=["subnet-0c00000000000c001", "subnet-0c00000000000c002"])
dr_vpc = ec2.Vpc.from_vpc_attributes(migration, "DrVpc",
    vpc_id="vpc-0d0000000000000d1", vpc_cidr_block="10.40.0.0/16",
    availability_zones=["eu-central-1a", "eu-central-1b"], private_subnet_ids=["subnet-0d00000000000d001", "subnet-0d00000000000d002"])
credentials = secretsmanager.Secret.from_secret_name_v2(migration, "ScramCredentials", "AmazonMSK_onprem")
migration_replicator = MskReplicator(migration, "Migration",
    source=ReplicatorCluster.from_apache_kafka_cluster(
        cluster_id="onprem-cluster-1",
        bootstrap_brokers="b-1.kafka.internal:9096,b-2.kafka.internal:9096",
        vpc=on_prem_vpc,
        authentication=KafkaClusterAuthentication.sasl_scram(secret=credentials, mechanism=ScramMechanism.SHA512),
    ),
    target=ReplicatorCluster.from_msk_cluster(
        cluster_arn="arn:aws:kafka:eu-central-1:111111111111:cluster/orders-dr/9f8e7d6c-5b4a-3210-9f8e-7d6c5b4a3210-2",
        vpc=dr_vpc,
    ),
    topic_replication=TopicReplicationOptions(
        topics_to_replicate=["orders\\..*"],
        topics_to_exclude=["orders\\.internal\\..*"],
        starting_position=StartingPosition.EARLIEST,
        topic_name_configuration=TopicNameConfiguration.IDENTICAL,
    ),
    consumer_group_replication=ConsumerGroupReplicationOptions(
        consumer_groups_to_replicate=["orders-.*"], offset_sync_mode=ConsumerGroupOffsetSyncMode.LEGACY),
    target_compression_type=TargetCompressionType.ZSTD,
    log_delivery=ReplicatorLogDelivery(
        cloud_watch_log_group=logs.LogGroup(migration, "ReplicatorLogs", retention=logs.RetentionDays.ONE_YEAR)),
    tags={"team": "streaming"},
    # a struct of aws-cdk-lib enums (README, "After `cdk destroy`")
    provider_logs=ReplicatorProviderLogOptions(retention=logs.RetentionDays.TEN_YEARS, removal_policy=RemovalPolicy.RETAIN),
)

# A grant helper, and metric helpers that take an enum, on a new and on an imported replicator (a static method).
operators = iam.Role(migration, "Operators", assumed_by=iam.AccountRootPrincipal())
migration_replicator.grant_read(operators)
migration_replicator.metric_throttle_time(ReplicatorClusterSide.SOURCE).create_alarm(migration, "SourceThrottled",
    threshold=1000, evaluation_periods=5)
imported = MskReplicator.from_replicator_attributes(migration, "Existing",
    replicator_arn="arn:aws:kafka:eu-central-1:111111111111:replicator/orders-dr/0a1b2c3d-4e5f",
    source_cluster_alias="msk-cluster-orders")
imported.metric_auth_error(ReplicatorClusterSide.SOURCE).create_alarm(migration, "ExistingAuthErrors",
    threshold=0, evaluation_periods=1, comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD)

# An invalid prop: the library's validation error must reach the app as an exception with the library's message.
# Declared in an app of its own, which is never synthesized (autoSynth would synthesize it at exit under the CLI).
validation_error = None
try:
    invalid = Stack(App(auto_synth=False), "Invalid", env=Environment(account="111111111111", region="eu-central-1"))
    MskReplicator(invalid, "Replicator",
        replicator_name="orders_dr",
        source=ReplicatorCluster.from_msk_cluster(
            cluster_arn="arn:aws:kafka:eu-central-1:111111111111:cluster/orders/0a1b2c3d-4e5f-6789-0a1b-2c3d4e5f6789-1", vpc=dr_vpc),
        target=ReplicatorCluster.from_msk_cluster(
            cluster_arn="arn:aws:kafka:eu-central-1:111111111111:cluster/orders-dr/9f8e7d6c-5b4a-3210-9f8e-7d6c5b4a3210-2", vpc=dr_vpc),
    )
except RuntimeError as error:
    validation_error = str(error)
if validation_error is None:
    raise SystemExit("the invalid replicator_name was accepted")
with open("validation-error.txt", "w", encoding="utf-8") as out:
    out.write(validation_error)

app.synth()
