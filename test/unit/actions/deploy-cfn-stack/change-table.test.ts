import {
  changeRows,
  changeSummaryRows,
  formatChangeTable
} from '../../../../src/actions/deploy-cfn-stack/change-table.js';
import { change } from './fixtures.js';

describe('change table', () => {
  const rows = changeRows([
    change('Add', 'Model'),
    change('Modify', 'EndpointConfig', 'True'),
    change('Modify', 'Endpoint', 'False'),
    change('Remove', 'LatencyAlarm'),
    { Type: 'Resource' }
  ]);

  it('has one row per resource change, with replacement only for modifications', () => {
    expect(rows).toEqual([
      { action: 'Add', logicalId: 'Model', type: 'AWS::SageMaker::Model', replacement: '-' },
      {
        action: 'Modify',
        logicalId: 'EndpointConfig',
        type: 'AWS::SageMaker::EndpointConfig',
        replacement: 'True'
      },
      { action: 'Modify', logicalId: 'Endpoint', type: 'AWS::SageMaker::Endpoint', replacement: 'False' },
      { action: 'Remove', logicalId: 'LatencyAlarm', type: 'AWS::CloudWatch::Alarm', replacement: '-' }
    ]);
  });

  it('lines the columns up in the log', () => {
    expect(formatChangeTable(rows).split('\n')).toEqual([
      'Action  Logical ID      Type                            Replacement',
      '------  --------------  ------------------------------  -----------',
      'Add     Model           AWS::SageMaker::Model           -',
      'Modify  EndpointConfig  AWS::SageMaker::EndpointConfig  True',
      'Modify  Endpoint        AWS::SageMaker::Endpoint        False',
      'Remove  LatencyAlarm    AWS::CloudWatch::Alarm          -'
    ]);
  });

  it('gives the summary the same cells in column order', () => {
    expect(changeSummaryRows(rows.slice(1, 2))).toEqual([
      ['Modify', 'EndpointConfig', 'AWS::SageMaker::EndpointConfig', 'True']
    ]);
  });
});
