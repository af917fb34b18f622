import { Readable } from 'node:stream';
import { ECRClient } from '@aws-sdk/client-ecr';
import { awsClientConfig } from '../../../../src/lib/aws.js';
import { ensureRepository } from '../../../../src/actions/push-ecr/ecr.js';
import { recordingLog } from '../../../helpers/recording-log.js';

const URI = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme/model';
// DescribeRepositories' Repository shape from botocore's ecr/2015-09-21 model.
const repository = {
  repositoryArn: 'arn:aws:ecr:eu-west-1:123456789012:repository/acme/model',
  registryId: '123456789012',
  repositoryName: 'acme/model',
  repositoryUri: URI,
  imageTagMutability: 'IMMUTABLE'
};

/** The real SDK middleware over canned JSON 1.1 answers: a throttled call is retried by the SDK itself. */
describe('SDK retries with the suite’s client configuration (no client mock)', () => {
  it('retries a throttled DescribeRepositories twice and goes on with the answer that follows', async () => {
    const targets: string[] = [];
    const answers = [
      { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } },
      { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } },
      { status: 200, body: { repositories: [repository] } }
    ];
    const client = new ECRClient({
      ...awsClientConfig('eu-west-1'),
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
      requestHandler: {
        handle: async (request: { headers: Record<string, string> }) => {
          targets.push(request.headers['x-amz-target'] ?? '');
          const answer = answers.shift();
          if (!answer) throw new Error('no canned answer left');
          return {
            response: {
              statusCode: answer.status,
              headers: {
                'content-type': 'application/x-amz-json-1.1',
                'x-amzn-requestid': 'c0ffee00-0000-4000-8000-000000000000'
              },
              body: Readable.from([Buffer.from(JSON.stringify(answer.body))])
            }
          };
        }
      }
    });
    const found = await ensureRepository(client, 'acme/model', undefined, undefined, recordingLog());
    expect(found.repositoryUri).toBe(URI);
    expect(targets).toEqual(Array(3).fill('AmazonEC2ContainerRegistry_V20150921.DescribeRepositories'));
  });
});
