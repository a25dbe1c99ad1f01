/**
 * An error in the user's props, thrown by a pure validator (one that knows no construct): `withScope` turns it into a
 * validation error of the construct being built. Any other error (a defect of this library, an error of aws-cdk-lib)
 * passes through unchanged, so it is not disguised as the user's mistake.
 */
export class PropError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PropError';
    Object.setPrototypeOf(this, PropError.prototype);
  }
}
