package smoke;

import io.github.cdkmskreplicator.ActiveActiveClusterOptions;
import io.github.cdkmskreplicator.ActiveActiveReplication;
import io.github.cdkmskreplicator.ConsumerGroupOffsetSyncMode;
import io.github.cdkmskreplicator.ConsumerGroupReplicationOptions;
import io.github.cdkmskreplicator.IMskReplicator;
import io.github.cdkmskreplicator.KafkaClusterAuthentication;
import io.github.cdkmskreplicator.MskClusterOptions;
import io.github.cdkmskreplicator.MskReplicator;
import io.github.cdkmskreplicator.MskReplicatorAttributes;
import io.github.cdkmskreplicator.ApacheKafkaClusterOptions;
import io.github.cdkmskreplicator.ReplicatorCluster;
import io.github.cdkmskreplicator.ReplicatorClusterSide;
import io.github.cdkmskreplicator.ReplicatorLogDelivery;
import io.github.cdkmskreplicator.ReplicatorProviderLogOptions;
import io.github.cdkmskreplicator.SaslScramAuthenticationOptions;
import io.github.cdkmskreplicator.ScramMechanism;
import io.github.cdkmskreplicator.StartingPosition;
import io.github.cdkmskreplicator.TargetCompressionType;
import io.github.cdkmskreplicator.TopicNameConfiguration;
import io.github.cdkmskreplicator.TopicReplicationOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.CreateAlarmOptions;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.ec2.VpcLookupOptions;
import software.amazon.awscdk.services.iam.AccountRootPrincipal;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.Secret;

/**
 * The Java smoke app: the README's complete app and its active-active example (from their jsii-rosetta Java
 * translations, made to compile), then the features every jsii language must carry across the boundary. It declares
 * the same constructs with the same ids as ../typescript/app.ts; same-templates.smoke.ts compares their templates.
 */
public final class SmokeApp {
    private static final String ACCOUNT = "111111111111";

    private SmokeApp() {
    }

    private static Environment env(final String region) {
        return Environment.builder().account(ACCOUNT).region(region).build();
    }

    public static void main(final String[] args) throws IOException {
        // ---- README "A complete app" ----
        App app = new App();
        // The replicator lives in the target cluster's Region.
        Stack stack = new Stack(app, "OrdersReplication", StackProps.builder().env(env("eu-central-1")).build());

        IVpc vpc = Vpc.fromLookup(stack, "Vpc", VpcLookupOptions.builder().vpcId("vpc-0a1b2c3d4e5f67890").build());
        ISecurityGroup brokers = SecurityGroup.fromSecurityGroupId(stack, "Brokers", "sg-0a1b2c3d4e5f67890");

        MskReplicator replicator = MskReplicator.Builder.create(stack, "OrdersDr")
                .source(ReplicatorCluster.fromMskCluster(MskClusterOptions.builder()
                        .clusterArn("arn:aws:kafka:eu-central-1:111111111111:cluster/orders/0a1b2c3d-4e5f-6789-0a1b-2c3d4e5f6789-1")
                        .vpc(vpc)
                        .build()))
                .target(ReplicatorCluster.fromMskCluster(MskClusterOptions.builder()
                        .clusterArn("arn:aws:kafka:eu-central-1:111111111111:cluster/orders-dr/9f8e7d6c-5b4a-3210-9f8e-7d6c5b4a3210-2")
                        .vpc(vpc)
                        .build()))
                .build();

        // Let the replicator's network interfaces into both clusters' brokers (TCP 9098, IAM authentication).
        replicator.allowSourceClusterAccess(brokers);
        replicator.allowTargetClusterAccess(brokers);
        // Alarms on failures, authentication errors, unreachable clusters, lag, latency and offset synchronisation.
        replicator.addRecommendedAlarms();

        // ---- README "Active-active" ----
        Stack stackA = new Stack(app, "OrdersIreland", StackProps.builder().env(env("eu-west-1")).build());
        Stack stackB = new Stack(app, "OrdersFrankfurt", StackProps.builder().env(env("eu-central-1")).build());
        ActiveActiveReplication activeActive = ActiveActiveReplication.Builder.create(app, "Orders")
                .clusterA(ActiveActiveClusterOptions.builder()
                        .stack(stackA)
                        .clusterArn("arn:aws:kafka:eu-west-1:111111111111:cluster/orders-a/0a1b2c3d-0000-4000-8000-000000000001-1")
                        .vpc(Vpc.fromVpcAttributes(stackA, "VpcA", VpcAttributes.builder()
                                .vpcId("vpc-0a0000000000000a1").vpcCidrBlock("10.10.0.0/16")
                                .availabilityZones(List.of("eu-west-1a", "eu-west-1b")).privateSubnetIds(List.of("subnet-0a00000000000a001", "subnet-0a00000000000a002"))
                                .build()))
                        .build())
                .clusterB(ActiveActiveClusterOptions.builder()
                        .stack(stackB)
                        .clusterArn("arn:aws:kafka:eu-central-1:111111111111:cluster/orders-b/0a1b2c3d-0000-4000-8000-000000000002-1")
                        .vpc(Vpc.fromVpcAttributes(stackB, "VpcB", VpcAttributes.builder()
                                .vpcId("vpc-0b0000000000000b1").vpcCidrBlock("10.20.0.0/16")
                                .availabilityZones(List.of("eu-central-1a", "eu-central-1b")).privateSubnetIds(List.of("subnet-0b00000000000b001", "subnet-0b00000000000b002"))
                                .build()))
                        .build())
                .topicsToReplicate(List.of("orders\\..*"))
                .build();
        activeActive.getReplicatorAToB().metricReplicationLatency(); // in eu-central-1

        // ---- What crosses the language boundary ----

        // An optional property that returns a Stack: the README names the stack of A's cluster policy.
        Stack policyStack = activeActive.getClusterAPolicyStack();
        if (policyStack == null || !"OrdersIrelandOrdersSourceAccess".equals(policyStack.getStackName())) {
            throw new IllegalStateException("clusterAPolicyStack is not the README's OrdersIrelandOrdersSourceAccess");
        }

        // A metric helper's result, rendered into the template through an alarm.
        activeActive.getReplicatorAToB().metricReplicationLatency().createAlarm(stackB, "AToBLatency",
                CreateAlarmOptions.builder().threshold(90_000).evaluationPeriods(5).build());

        // A self-managed source with SASL/SCRAM (static factories), enums and nested structs.
        Stack migration = new Stack(app, "OrdersMigration", StackProps.builder().env(env("eu-central-1")).build());
        IVpc onPremVpc = Vpc.fromVpcAttributes(migration, "OnPremVpc", VpcAttributes.builder()
                .vpcId("vpc-0c0000000000000c1").vpcCidrBlock("10.30.0.0/16")
                .availabilityZones(List.of("eu-central-1a", "eu-central-1b")).privateSubnetIds(List.of("subnet-0c00000000000c001", "subnet-0c00000000000c002"))
                .build());
        IVpc drVpc = Vpc.fromVpcAttributes(migration, "DrVpc", VpcAttributes.builder()
                .vpcId("vpc-0d0000000000000d1").vpcCidrBlock("10.40.0.0/16")
                .availabilityZones(List.of("eu-central-1a", "eu-central-1b")).privateSubnetIds(List.of("subnet-0d00000000000d001", "subnet-0d00000000000d002"))
                .build());
        ISecret credentials = Secret.fromSecretNameV2(migration, "ScramCredentials", "AmazonMSK_onprem");
        MskReplicator migrationReplicator = MskReplicator.Builder.create(migration, "Migration")
                .source(ReplicatorCluster.fromApacheKafkaCluster(ApacheKafkaClusterOptions.builder()
                        .clusterId("onprem-cluster-1")
                        .bootstrapBrokers("b-1.kafka.internal:9096,b-2.kafka.internal:9096")
                        .vpc(onPremVpc)
                        .authentication(KafkaClusterAuthentication.saslScram(SaslScramAuthenticationOptions.builder()
                                .secret(credentials).mechanism(ScramMechanism.SHA512).build()))
                        .build()))
                .target(ReplicatorCluster.fromMskCluster(MskClusterOptions.builder()
                        .clusterArn("arn:aws:kafka:eu-central-1:111111111111:cluster/orders-dr/9f8e7d6c-5b4a-3210-9f8e-7d6c5b4a3210-2")
                        .vpc(drVpc)
                        .build()))
                .topicReplication(TopicReplicationOptions.builder()
                        .topicsToReplicate(List.of("orders\\..*"))
                        .topicsToExclude(List.of("orders\\.internal\\..*"))
                        .startingPosition(StartingPosition.EARLIEST)
                        .topicNameConfiguration(TopicNameConfiguration.IDENTICAL)
                        .build())
                .consumerGroupReplication(ConsumerGroupReplicationOptions.builder()
                        .consumerGroupsToReplicate(List.of("orders-.*"))
                        .offsetSyncMode(ConsumerGroupOffsetSyncMode.LEGACY)
                        .build())
                .targetCompressionType(TargetCompressionType.ZSTD)
                .logDelivery(ReplicatorLogDelivery.builder()
                        .cloudWatchLogGroup(LogGroup.Builder.create(migration, "ReplicatorLogs").retention(RetentionDays.ONE_YEAR).build())
                        .build())
                .tags(Map.of("team", "streaming"))
                // a struct of aws-cdk-lib enums (README, "After `cdk destroy`")
                .providerLogs(ReplicatorProviderLogOptions.builder()
                        .retention(RetentionDays.TEN_YEARS).removalPolicy(RemovalPolicy.RETAIN).build())
                .build();

        // A grant helper, and metric helpers that take an enum, on a new and on an imported replicator (a static method).
        Role operators = Role.Builder.create(migration, "Operators").assumedBy(new AccountRootPrincipal()).build();
        migrationReplicator.grantRead(operators);
        migrationReplicator.metricThrottleTime(ReplicatorClusterSide.SOURCE).createAlarm(migration, "SourceThrottled",
                CreateAlarmOptions.builder().threshold(1000).evaluationPeriods(5).build());
        IMskReplicator imported = MskReplicator.fromReplicatorAttributes(migration, "Existing", MskReplicatorAttributes.builder()
                .replicatorArn("arn:aws:kafka:eu-central-1:111111111111:replicator/orders-dr/0a1b2c3d-4e5f")
                .sourceClusterAlias("msk-cluster-orders")
                .build());
        imported.metricAuthError(ReplicatorClusterSide.SOURCE).createAlarm(migration, "ExistingAuthErrors",
                CreateAlarmOptions.builder().threshold(0).evaluationPeriods(1)
                        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD).build());

        // An invalid prop: the library's validation error must reach the app as an exception with the library's
        // message. Declared in an app of its own, which is never synthesized (autoSynth would synthesize it at exit
        // under the CLI).
        String validationError = null;
        try {
            Stack invalid = new Stack(new App(AppProps.builder().autoSynth(false).build()), "Invalid",
                    StackProps.builder().env(env("eu-central-1")).build());
            MskReplicator.Builder.create(invalid, "Replicator")
                    .replicatorName("orders_dr")
                    .source(ReplicatorCluster.fromMskCluster(MskClusterOptions.builder()
                            .clusterArn("arn:aws:kafka:eu-central-1:111111111111:cluster/orders/0a1b2c3d-4e5f-6789-0a1b-2c3d4e5f6789-1")
                            .vpc(drVpc).build()))
                    .target(ReplicatorCluster.fromMskCluster(MskClusterOptions.builder()
                            .clusterArn("arn:aws:kafka:eu-central-1:111111111111:cluster/orders-dr/9f8e7d6c-5b4a-3210-9f8e-7d6c5b4a3210-2")
                            .vpc(drVpc).build()))
                    .build();
        } catch (RuntimeException error) {
            validationError = error.getMessage();
        }
        if (validationError == null) {
            throw new IllegalStateException("the invalid replicatorName was accepted");
        }
        Files.writeString(Path.of("validation-error.txt"), validationError, StandardCharsets.UTF_8);

        app.synth();
    }
}
