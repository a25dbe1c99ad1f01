import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in the handler bundle (an esbuild alias in .projenrc.ts).
 *
 * Lambda hands a function its execution role's credentials in the environment variables AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN ("Defined runtime environment variables",
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime), so the
 * default chain's SSO, INI, process, web-identity, container and instance-metadata providers, with the STS/SSO
 * clients they pull in, are never reached: only the environment provider is bundled.
 */
export const defaultProvider: typeof fromEnv = (init) => fromEnv(init);
