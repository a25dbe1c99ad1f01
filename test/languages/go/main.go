// The Go smoke app: the README's complete app and its active-active example, then the features every jsii language
// must carry across the boundary. It declares the same constructs with the same ids as ../typescript/app.ts;
// same-templates.smoke.ts compares their templates.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk-msk-replicator/cdk-msk-replicator-go/cdkmskreplicator"
)

func env(region string) *awscdk.Environment {
	return &awscdk.Environment{Account: jsii.String("111111111111"), Region: jsii.String(region)}
}

func main() {
	defer jsii.Close()

	// ---- README "A complete app" ----
	app := awscdk.NewApp(nil)
	// The replicator lives in the target cluster's Region.
	stack := awscdk.NewStack(app, jsii.String("OrdersReplication"), &awscdk.StackProps{Env: env("eu-central-1")})

	vpc := awsec2.Vpc_FromLookup(stack, jsii.String("Vpc"), &awsec2.VpcLookupOptions{VpcId: jsii.String("vpc-0a1b2c3d4e5f67890")})
	brokers := awsec2.SecurityGroup_FromSecurityGroupId(stack, jsii.String("Brokers"), jsii.String("sg-0a1b2c3d4e5f67890"), nil)

	replicator := cdkmskreplicator.NewMskReplicator(stack, jsii.String("OrdersDr"), &cdkmskreplicator.MskReplicatorProps{
		Source: cdkmskreplicator.ReplicatorCluster_FromMskCluster(&cdkmskreplicator.MskClusterOptions{
			ClusterArn: jsii.String("arn:aws:kafka:eu-central-1:111111111111:cluster/orders/0a1b2c3d-4e5f-6789-0a1b-2c3d4e5f6789-1"),
			Vpc:        vpc,
		}),
		Target: cdkmskreplicator.ReplicatorCluster_FromMskCluster(&cdkmskreplicator.MskClusterOptions{
			ClusterArn: jsii.String("arn:aws:kafka:eu-central-1:111111111111:cluster/orders-dr/9f8e7d6c-5b4a-3210-9f8e-7d6c5b4a3210-2"),
			Vpc:        vpc,
		}),
	})

	// Let the replicator's network interfaces into both clusters' brokers (TCP 9098, IAM authentication).
	replicator.AllowSourceClusterAccess(brokers, nil)
	replicator.AllowTargetClusterAccess(brokers, nil)
	// Alarms on failures, authentication errors, unreachable clusters, lag, latency and offset synchronisation.
	replicator.AddRecommendedAlarms(nil)

	// ---- README "Active-active" ----
	stackA := awscdk.NewStack(app, jsii.String("OrdersIreland"), &awscdk.StackProps{Env: env("eu-west-1")})
	stackB := awscdk.NewStack(app, jsii.String("OrdersFrankfurt"), &awscdk.StackProps{Env: env("eu-central-1")})
	activeActive := cdkmskreplicator.NewActiveActiveReplication(app, jsii.String("Orders"), &cdkmskreplicator.ActiveActiveReplicationProps{
		ClusterA: &cdkmskreplicator.ActiveActiveClusterOptions{
			Stack:      stackA,
			ClusterArn: jsii.String("arn:aws:kafka:eu-west-1:111111111111:cluster/orders-a/0a1b2c3d-0000-4000-8000-000000000001-1"),
			Vpc: awsec2.Vpc_FromVpcAttributes(stackA, jsii.String("VpcA"), &awsec2.VpcAttributes{
				VpcId: jsii.String("vpc-0a0000000000000a1"), VpcCidrBlock: jsii.String("10.10.0.0/16"),
				AvailabilityZones: jsii.Strings("eu-west-1a", "eu-west-1b"), PrivateSubnetIds: jsii.Strings("subnet-0a00000000000a001", "subnet-0a00000000000a002"),
			}),
		},
		ClusterB: &cdkmskreplicator.ActiveActiveClusterOptions{
			Stack:      stackB,
			ClusterArn: jsii.String("arn:aws:kafka:eu-central-1:111111111111:cluster/orders-b/0a1b2c3d-0000-4000-8000-000000000002-1"),
			Vpc: awsec2.Vpc_FromVpcAttributes(stackB, jsii.String("VpcB"), &awsec2.VpcAttributes{
				VpcId: jsii.String("vpc-0b0000000000000b1"), VpcCidrBlock: jsii.String("10.20.0.0/16"),
				AvailabilityZones: jsii.Strings("eu-central-1a", "eu-central-1b"), PrivateSubnetIds: jsii.Strings("subnet-0b00000000000b001", "subnet-0b00000000000b002"),
			}),
		},
		TopicsToReplicate: jsii.Strings(`orders\..*`),
	})
	activeActive.ReplicatorAToB().MetricReplicationLatency(nil) // in eu-central-1

	// ---- What crosses the language boundary ----

	// An optional property that returns a Stack: the README names the stack of A's cluster policy.
	if policyStack := activeActive.ClusterAPolicyStack(); policyStack == nil || *policyStack.StackName() != "OrdersIrelandOrdersSourceAccess" {
		fmt.Fprintln(os.Stderr, "ClusterAPolicyStack is not the README's OrdersIrelandOrdersSourceAccess")
		os.Exit(1)
	}

	// A metric helper's result, rendered into the template through an alarm.
	activeActive.ReplicatorAToB().MetricReplicationLatency(nil).CreateAlarm(stackB, jsii.String("AToBLatency"),
		&awscloudwatch.CreateAlarmOptions{Threshold: jsii.Number(90_000), EvaluationPeriods: jsii.Number(5)})

	// A self-managed source with SASL/SCRAM (static factories), enums and nested structs.
	migration := awscdk.NewStack(app, jsii.String("OrdersMigration"), &awscdk.StackProps{Env: env("eu-central-1")})
	onPremVpc := awsec2.Vpc_FromVpcAttributes(migration, jsii.String("OnPremVpc"), &awsec2.VpcAttributes{
		VpcId: jsii.String("vpc-0c0000000000000c1"), VpcCidrBlock: jsii.String("10.30.0.0/16"),
		AvailabilityZones: jsii.Strings("eu-central-1a", "eu-central-1b"), PrivateSubnetIds: jsii.Strings("subnet-0c00000000000c001", "subnet-0c00000000000c002"),
	})
	drVpc := awsec2.Vpc_FromVpcAttributes(migration, jsii.String("DrVpc"), &awsec2.VpcAttributes{
		VpcId: jsii.String("vpc-0d0000000000000d1"), VpcCidrBlock: jsii.String("10.40.0.0/16"),
		AvailabilityZones: jsii.Strings("eu-central-1a", "eu-central-1b"), PrivateSubnetIds: jsii.Strings("subnet-0d00000000000d001", "subnet-0d00000000000d002"),
	})
	credentials := awssecretsmanager.Secret_FromSecretNameV2(migration, jsii.String("ScramCredentials"), jsii.String("AmazonMSK_onprem"))
	migrationReplicator := cdkmskreplicator.NewMskReplicator(migration, jsii.String("Migration"), &cdkmskreplicator.MskReplicatorProps{
		Source: cdkmskreplicator.ReplicatorCluster_FromApacheKafkaCluster(&cdkmskreplicator.ApacheKafkaClusterOptions{
			ClusterId:        jsii.String("onprem-cluster-1"),
			BootstrapBrokers: jsii.String("b-1.kafka.internal:9096,b-2.kafka.internal:9096"),
			Vpc:              onPremVpc,
			Authentication: cdkmskreplicator.KafkaClusterAuthentication_SaslScram(&cdkmskreplicator.SaslScramAuthenticationOptions{
				Secret: credentials, Mechanism: cdkmskreplicator.ScramMechanism_SHA512,
			}),
		}),
		Target: cdkmskreplicator.ReplicatorCluster_FromMskCluster(&cdkmskreplicator.MskClusterOptions{
			ClusterArn: jsii.String("arn:aws:kafka:eu-central-1:111111111111:cluster/orders-dr/9f8e7d6c-5b4a-3210-9f8e-7d6c5b4a3210-2"),
			Vpc:        drVpc,
		}),
		TopicReplication: &cdkmskreplicator.TopicReplicationOptions{
			TopicsToReplicate:      jsii.Strings(`orders\..*`),
			TopicsToExclude:        jsii.Strings(`orders\.internal\..*`),
			StartingPosition:       cdkmskreplicator.StartingPosition_EARLIEST,
			TopicNameConfiguration: cdkmskreplicator.TopicNameConfiguration_IDENTICAL,
		},
		ConsumerGroupReplication: &cdkmskreplicator.ConsumerGroupReplicationOptions{
			ConsumerGroupsToReplicate: jsii.Strings("orders-.*"),
			OffsetSyncMode:            cdkmskreplicator.ConsumerGroupOffsetSyncMode_LEGACY,
		},
		TargetCompressionType: cdkmskreplicator.TargetCompressionType_ZSTD,
		LogDelivery: &cdkmskreplicator.ReplicatorLogDelivery{
			CloudWatchLogGroup: awslogs.NewLogGroup(migration, jsii.String("ReplicatorLogs"), &awslogs.LogGroupProps{Retention: awslogs.RetentionDays_ONE_YEAR}),
		},
		Tags: &map[string]*string{"team": jsii.String("streaming")},
		// a struct of aws-cdk-lib enums (README, "After `cdk destroy`")
		ProviderLogs: &cdkmskreplicator.ReplicatorProviderLogOptions{
			Retention: awslogs.RetentionDays_TEN_YEARS, RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
		},
	})

	// A grant helper, and metric helpers that take an enum, on a new and on an imported replicator (a static method).
	operators := awsiam.NewRole(migration, jsii.String("Operators"), &awsiam.RoleProps{AssumedBy: awsiam.NewAccountRootPrincipal()})
	migrationReplicator.GrantRead(operators)
	migrationReplicator.MetricThrottleTime(cdkmskreplicator.ReplicatorClusterSide_SOURCE, nil).CreateAlarm(migration, jsii.String("SourceThrottled"),
		&awscloudwatch.CreateAlarmOptions{Threshold: jsii.Number(1000), EvaluationPeriods: jsii.Number(5)})
	imported := cdkmskreplicator.MskReplicator_FromReplicatorAttributes(migration, jsii.String("Existing"), &cdkmskreplicator.MskReplicatorAttributes{
		ReplicatorArn:      jsii.String("arn:aws:kafka:eu-central-1:111111111111:replicator/orders-dr/0a1b2c3d-4e5f"),
		SourceClusterAlias: jsii.String("msk-cluster-orders"),
	})
	imported.MetricAuthError(cdkmskreplicator.ReplicatorClusterSide_SOURCE, nil).CreateAlarm(migration, jsii.String("ExistingAuthErrors"),
		&awscloudwatch.CreateAlarmOptions{
			Threshold: jsii.Number(0), EvaluationPeriods: jsii.Number(1),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD,
		})

	// An invalid prop: the library's validation error must reach the app as a panic carrying the library's message.
	// Declared in an app of its own, which is never synthesized (autoSynth would synthesize it at exit under the CLI).
	validationError := invalidReplicatorName(drVpc)
	if validationError == nil {
		fmt.Fprintln(os.Stderr, "the invalid ReplicatorName was accepted")
		os.Exit(1)
	}
	if err := os.WriteFile("validation-error.txt", []byte(validationError.Error()), 0o644); err != nil {
		panic(err)
	}

	app.Synth(nil)
}

// invalidReplicatorName declares a replicator whose name breaks the library's rule, and returns what it panicked with.
func invalidReplicatorName(vpc awsec2.IVpc) (caught error) {
	defer func() {
		if r := recover(); r != nil {
			err, ok := r.(error)
			if !ok {
				err = fmt.Errorf("%v", r)
			}
			caught = err
		}
	}()
	invalid := awscdk.NewStack(awscdk.NewApp(&awscdk.AppProps{AutoSynth: jsii.Bool(false)}), jsii.String("Invalid"), &awscdk.StackProps{Env: env("eu-central-1")})
	cdkmskreplicator.NewMskReplicator(invalid, jsii.String("Replicator"), &cdkmskreplicator.MskReplicatorProps{
		ReplicatorName: jsii.String("orders_dr"),
		Source: cdkmskreplicator.ReplicatorCluster_FromMskCluster(&cdkmskreplicator.MskClusterOptions{
			ClusterArn: jsii.String("arn:aws:kafka:eu-central-1:111111111111:cluster/orders/0a1b2c3d-4e5f-6789-0a1b-2c3d4e5f6789-1"), Vpc: vpc,
		}),
		Target: cdkmskreplicator.ReplicatorCluster_FromMskCluster(&cdkmskreplicator.MskClusterOptions{
			ClusterArn: jsii.String("arn:aws:kafka:eu-central-1:111111111111:cluster/orders-dr/9f8e7d6c-5b4a-3210-9f8e-7d6c5b4a3210-2"), Vpc: vpc,
		}),
	})
	return nil
}
