/**
 * The modelship chain as the demo runs it: each step is one bundled action and the inputs it gets from
 * the steps before it, exactly as the reusable workflow wires them.
 */
export interface ChainSettings {
  modelRepo: string;
  imageName: string;
  repository: string;
  modelPackageGroup: string;
  metricsFile: string;
  stackName: string;
  endpointName: string;
  executionRoleArn: string;
}

export type StepOutputs = Record<string, Record<string, string>>;

export interface ChainStep {
  id: string;
  action: string;
  inputs: (outputs: StepOutputs) => Record<string, string>;
}

const output = (outputs: StepOutputs, step: string, name: string): string => {
  const value = outputs[step]?.[name];
  if (value === undefined || value === '')
    throw new Error(`Step '${step}' did not set its '${name}' output.`);
  return value;
};

export function demoChain(settings: ChainSettings): ChainStep[] {
  return [
    {
      id: 'build',
      action: 'build-image',
      inputs: () => ({ context: settings.modelRepo, image: settings.imageName })
    },
    {
      id: 'push',
      action: 'push-ecr',
      inputs: (outputs) => ({
        image: output(outputs, 'build', 'image'),
        repository: settings.repository,
        // The demo rebuilds the same commit on every run; a mutable tag lets the rebuilt image take it.
        'image-tag-mutability': 'MUTABLE'
      })
    },
    {
      id: 'register',
      action: 'register-model',
      inputs: (outputs) => ({
        'image-uri': output(outputs, 'push', 'image-uri'),
        'model-name': settings.modelPackageGroup,
        'metrics-file': settings.metricsFile,
        'approval-status': 'Approved'
      })
    },
    {
      id: 'deploy',
      action: 'deploy-cfn-stack',
      inputs: (outputs) => ({
        'stack-name': settings.stackName,
        template: 'realtime-endpoint',
        parameters: [
          `ImageUri=${output(outputs, 'push', 'image-uri')}`,
          `EndpointName=${settings.endpointName}`,
          `ExecutionRoleArn=${settings.executionRoleArn}`,
          `ModelVersion=${output(outputs, 'register', 'version')}`,
          'BakeTimeSeconds=0'
        ].join('\n'),
        'wait-for-endpoints': 'true'
      })
    },
    {
      id: 'smoke',
      action: 'smoke-test-endpoint',
      inputs: () => ({
        'endpoint-name': settings.endpointName,
        cases: `${settings.modelRepo}/smoke/*.json`
      })
    }
  ];
}
