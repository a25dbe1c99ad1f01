module smoke

go 1.25

require (
	github.com/aws/aws-cdk-go/awscdk/v2 v2.257.0
	github.com/aws/constructs-go/constructs/v10 v10.5.1
	github.com/aws/jsii-runtime-go v1.140.0
	github.com/cdk-msk-replicator/cdk-msk-replicator-go/cdkmskreplicator v0.0.0
)

// The library's module as `npx projen package:go` builds it: the runner points this at dist/go/cdkmskreplicator.
replace github.com/cdk-msk-replicator/cdk-msk-replicator-go/cdkmskreplicator => ./cdkmskreplicator
