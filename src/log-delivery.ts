import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * Where the replicator delivers its logs. Any combination of destinations; changeable in place, and removing
 * a destination turns its delivery off.
 *
 * The provider's handler gets the log-delivery permissions only when a replicator uses log delivery.
 */
export interface ReplicatorLogDelivery {
  /**
   * A CloudWatch Logs log group.
   *
   * @default - no delivery to CloudWatch Logs
   */
  readonly cloudWatchLogGroup?: logs.ILogGroup;

  /**
   * An Amazon Data Firehose delivery stream.
   *
   * @default - no delivery to Firehose
   */
  readonly firehoseDeliveryStream?: firehose.IDeliveryStream;

  /**
   * An S3 bucket.
   *
   * @default - no delivery to S3
   */
  readonly s3Bucket?: s3.IBucket;

  /**
   * The key prefix of the log objects in `s3Bucket`.
   *
   * @default - no prefix
   */
  readonly s3Prefix?: string;
}
