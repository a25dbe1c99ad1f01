import { KafkaClient } from '@aws-sdk/client-kafka';
import type { MskSimulator } from './simulator';

/**
 * A `KafkaClient` whose reads the simulator answers from what it holds (`MskSimulator.answerTruthfully`): no lag, no
 * fault, nothing drawn from the hostile generator, nothing recorded. Its requests never reach the HTTP server; its
 * answers go through the SDK's own deserializer, so code written against the real client (the plan's readers) reads the
 * world exactly as it is. Writes are refused: the truth is only looked at.
 */

/** The part of the SDK's HttpRequest the simulator routes on. */
interface SdkRequest {
  readonly method: string;
  readonly path: string;
  readonly query?: Record<string, string | null | Array<string | null>>;
}

function urlOf(request: SdkRequest): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(request.query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) query.append(key, v ?? '');
  }
  const text = query.toString();
  return text === '' ? request.path : `${request.path}?${text}`;
}

export function groundTruthKafka(sim: MskSimulator): KafkaClient {
  return new KafkaClient({
    region: sim.region,
    endpoint: sim.endpoint,
    credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'example-secret' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: SdkRequest) => {
        const answer = sim.answerTruthfully(request.method, urlOf(request));
        return {
          response: {
            statusCode: answer.status,
            headers: answer.headers,
            body: new TextEncoder().encode(answer.payload ?? ''),
          },
        };
      },
    },
  });
}
