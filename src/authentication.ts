import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/**
 * The SASL/SCRAM mechanism of a self-managed Apache Kafka cluster.
 */
export enum ScramMechanism {
  /** SCRAM-SHA-256. */
  SHA256 = 'SHA256',
  /** SCRAM-SHA-512. */
  SHA512 = 'SHA512',
}

/**
 * Options for SASL/SCRAM authentication.
 */
export interface SaslScramAuthenticationOptions {
  /**
   * The secret holding the SCRAM user name and password (`{"username": ..., "password": ...}`).
   * The service execution role is granted read access to it (and decrypt on its KMS key).
   */
  readonly secret: secretsmanager.ISecret;

  /**
   * The SCRAM mechanism the brokers use.
   *
   * @default ScramMechanism.SHA512
   */
  readonly mechanism?: ScramMechanism;
}

/**
 * Options for mutual TLS authentication.
 */
export interface MutualTlsAuthenticationOptions {
  /**
   * The secret holding the client certificate and private key.
   * The service execution role is granted read access to it (and decrypt on its KMS key).
   */
  readonly secret: secretsmanager.ISecret;
}

/**
 * How the replicator authenticates to a self-managed Apache Kafka cluster.
 *
 * Changing it replaces the replicator.
 */
export abstract class KafkaClusterAuthentication {
  /**
   * SASL/SCRAM with a user name and password from Secrets Manager.
   */
  public static saslScram(options: SaslScramAuthenticationOptions): KafkaClusterAuthentication {
    return new (class extends KafkaClusterAuthentication {
      public readonly secret = options.secret;
      public readonly mechanism = options.mechanism ?? ScramMechanism.SHA512;
    })();
  }

  /**
   * Mutual TLS with a client certificate from Secrets Manager.
   */
  public static mutualTls(options: MutualTlsAuthenticationOptions): KafkaClusterAuthentication {
    return new (class extends KafkaClusterAuthentication {
      public readonly secret = options.secret;
      public readonly mechanism = undefined;
    })();
  }

  /**
   * The secret the replicator reads its credentials from.
   */
  public abstract readonly secret: secretsmanager.ISecret;

  /**
   * The SASL/SCRAM mechanism, or undefined for mutual TLS.
   */
  public abstract readonly mechanism?: ScramMechanism;
}
