import { Readable } from 'node:stream';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { awsClientConfig } from '../../../../src/lib/aws.js';
import { teardown } from '../../../../src/actions/deploy-cfn-stack/teardown.js';
import { testEngine } from './fixtures.js';

/**
 * The real SDK middleware (no client mock) over canned HTTP answers in CloudFormation's query-protocol XML:
 * proves that a throttled call is retried by the SDK with the suite's client configuration, so the engine
 * never sees it.
 */
function cannedHandler(answers: { status: number; xml: string }[]) {
  const actions: string[] = [];
  return {
    actions,
    handler: {
      handle: async (request: { body?: unknown }) => {
        actions.push(new URLSearchParams(String(request.body)).get('Action') ?? '');
        const answer = answers.shift();
        if (!answer) throw new Error('no canned answer left');
        return {
          response: {
            statusCode: answer.status,
            headers: {
              'content-type': 'text/xml',
              'x-amzn-requestid': 'c0ffee00-0000-4000-8000-000000000000'
            },
            body: Readable.from([Buffer.from(answer.xml)])
          }
        };
      }
    }
  };
}

const errorXml = (code: string, message: string) =>
  `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>c0ffee00-0000-4000-8000-000000000000</RequestId></ErrorResponse>`;

describe('AWS SDK retries with the suite’s client configuration', () => {
  it('retries a throttled DescribeStacks and goes on with the answer that follows', async () => {
    const { actions, handler } = cannedHandler([
      { status: 400, xml: errorXml('Throttling', 'Rate exceeded') },
      { status: 400, xml: errorXml('Throttling', 'Rate exceeded') },
      { status: 400, xml: errorXml('ValidationError', 'Stack with id preview-pr-7 does not exist') }
    ]);
    const cloudformation = new CloudFormationClient({
      ...awsClientConfig('us-east-1'),
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
      requestHandler: handler
    });
    const { engine, log } = testEngine({ cloudformation });

    const result = await teardown(engine, { stackName: 'preview-pr-7' });

    expect(actions).toEqual(['DescribeStacks', 'DescribeStacks', 'DescribeStacks']);
    expect(result).toEqual({ existed: false, stackStatus: 'DELETE_COMPLETE' });
    expect(log.lines).toContain('Stack preview-pr-7 does not exist: nothing to delete.');
  });
});
