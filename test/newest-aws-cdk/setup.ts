import { newestVersions } from './versions';

/**
 * Jest setup of the run on the newest aws-cdk-lib (test/newest-aws-cdk/jest.config.json maps `aws-cdk-lib` and
 * `constructs` into .newest-aws-cdk/). Fails every test file unless the mapping really loads the newest version:
 * a run that silently used the floor would pass without testing anything new.
 */
const versions = newestVersions();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loaded = (require('aws-cdk-lib/package.json') as { version: string }).version;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadedConstructs = (require('constructs/package.json') as { version: string }).version;
if (loaded !== versions.awsCdkLib || loadedConstructs !== versions.constructs) {
  throw new Error(`the run on the newest aws-cdk-lib loaded aws-cdk-lib ${loaded} and constructs ${loadedConstructs}, `
    + `expected ${versions.awsCdkLib} and ${versions.constructs}`);
}
