import { App, Errors, Stack } from 'aws-cdk-lib';
import { withScope } from '../src/private/errors';
import { PropError } from '../src/private/prop-error';

/** Only an error in the user's props becomes a validation error of the construct; a defect is not disguised as one. */
describe('withScope', () => {
  const scope = () => new Stack(new App(), 'Stack');

  test('a PropError becomes a validation error of the scope, with the same message', () => {
    let thrown: unknown;
    try {
      withScope(scope(), () => { throw new PropError('`timeout` must be at most 55 minutes'); });
    } catch (error) {
      thrown = error;
    }
    expect(Errors.isValidationError(thrown)).toBe(true);
    expect((thrown as Error).message).toBe('`timeout` must be at most 55 minutes');
  });

  test('any other error passes through unchanged: a TypeError of a defect is not reported as the user\'s mistake', () => {
    const defect = new TypeError('Cannot read properties of undefined (reading \'vpcId\')');
    let thrown: unknown;
    try {
      withScope(scope(), () => { throw defect; });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBe(defect);
    expect(Errors.isValidationError(thrown)).toBe(false);
  });

  test('the value of the validator is returned', () => {
    expect(withScope(scope(), () => 42)).toBe(42);
  });
});
