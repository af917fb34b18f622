"""Drives the local stack's CloudFormation with boto3, a client modelship did not write, including the
waiters botocore defines in waiters-2.json (stack_create_complete, change_set_create_complete, ...).

Usage: python3 cloudformation_boto3.py <stack-name>
The endpoint, region and credentials come from the environment (AWS_ENDPOINT_URL, ...), exactly as for
any boto3 program. Prints one JSON report of what the service answered; the jest test asserts on it.
"""

import json
import sys

import boto3
from botocore.exceptions import ClientError, WaiterError

TEMPLATE = """
Parameters:
  Value: { Type: String, Default: one }
  Secret: { Type: String, NoEcho: true, Default: hush }
Resources:
  Setting:
    Type: AWS::SSM::Parameter
    Properties: { Type: String, Value: !Sub '${Value}-${AWS::StackName}' }
Outputs:
  SettingValue: { Value: !GetAtt Setting.Value }
"""

FAST = {"Delay": 1, "MaxAttempts": 30}


def error_of(call):
    try:
        call()
    except ClientError as error:
        return {"code": error.response["Error"]["Code"], "message": error.response["Error"]["Message"]}
    return None


def main(stack):
    cfn = boto3.client("cloudformation")
    report = {}

    stack_id = cfn.create_stack(StackName=stack, TemplateBody=TEMPLATE)["StackId"]
    cfn.get_waiter("stack_create_complete").wait(StackName=stack, WaiterConfig=FAST)
    described = cfn.describe_stacks(StackName=stack)["Stacks"][0]
    report["created"] = {
        "status": described["StackStatus"],
        "idMatches": described["StackId"] == stack_id,
        "outputs": described["Outputs"],
        "parameters": sorted(described["Parameters"], key=lambda p: p["ParameterKey"]),
        "creationTimeIsDate": hasattr(described["CreationTime"], "year"),
        "terminationProtection": described["EnableTerminationProtection"],
    }

    change_set = cfn.create_change_set(
        StackName=stack,
        ChangeSetName="bump",
        UsePreviousTemplate=True,
        Parameters=[{"ParameterKey": "Value", "ParameterValue": "two"}, {"ParameterKey": "Secret", "UsePreviousValue": True}],
    )
    cfn.get_waiter("change_set_create_complete").wait(ChangeSetName=change_set["Id"], WaiterConfig=FAST)
    described_change_set = cfn.describe_change_set(ChangeSetName="bump", StackName=stack)
    report["changeSet"] = {
        "status": described_change_set["Status"],
        "executionStatus": described_change_set["ExecutionStatus"],
        "changes": [change["ResourceChange"] for change in described_change_set["Changes"]],
    }
    report["listed"] = [summary["ChangeSetName"] for summary in cfn.list_change_sets(StackName=stack)["Summaries"]]
    cfn.execute_change_set(ChangeSetName=change_set["Id"])
    cfn.get_waiter("stack_update_complete").wait(StackName=stack, WaiterConfig=FAST)
    report["updatedOutputs"] = cfn.describe_stacks(StackName=stack)["Stacks"][0]["Outputs"]

    empty = cfn.create_change_set(StackName=stack, ChangeSetName="same", UsePreviousTemplate=True,
                                  Parameters=[{"ParameterKey": "Value", "UsePreviousValue": True}])
    try:
        cfn.get_waiter("change_set_create_complete").wait(ChangeSetName=empty["Id"], WaiterConfig=FAST)
        report["emptyChangeSet"] = "waiter succeeded"
    except WaiterError as error:
        report["emptyChangeSet"] = error.last_response["StatusReason"]
    cfn.delete_change_set(ChangeSetName=empty["Id"])
    keep = [{"ParameterKey": key, "UsePreviousValue": True} for key in ("Value", "Secret")]
    report["noUpdates"] = error_of(lambda: cfn.update_stack(StackName=stack, UsePreviousTemplate=True, Parameters=keep))

    events = cfn.describe_stack_events(StackName=stack)["StackEvents"]
    report["latestEvent"] = [events[0]["LogicalResourceId"], events[0]["ResourceStatus"]]
    report["resources"] = [
        [resource["LogicalResourceId"], resource["ResourceStatus"]]
        for resource in cfn.list_stack_resources(StackName=stack)["StackResourceSummaries"]
    ]
    report["templateRoundTrip"] = cfn.get_template(StackName=stack)["TemplateBody"] == TEMPLATE
    validated = cfn.validate_template(TemplateBody=TEMPLATE)
    report["validated"] = [[p["ParameterKey"], p["NoEcho"]] for p in validated["Parameters"]]

    cfn.update_termination_protection(StackName=stack, EnableTerminationProtection=True)
    report["protected"] = error_of(lambda: cfn.delete_stack(StackName=stack))["message"]
    cfn.update_termination_protection(StackName=stack, EnableTerminationProtection=False)
    cfn.delete_stack(StackName=stack)
    cfn.get_waiter("stack_delete_complete").wait(StackName=stack_id, WaiterConfig=FAST)
    report["afterDelete"] = error_of(lambda: cfn.describe_stacks(StackName=stack))

    failing = f"{stack}-failing"
    cfn.create_stack(StackName=failing, TemplateBody="Resources:\n  Queue: { Type: AWS::SQS::Queue }\n")
    try:
        cfn.get_waiter("stack_create_complete").wait(StackName=failing, WaiterConfig=FAST)
        report["failedCreate"] = "waiter succeeded"
    except WaiterError as error:
        report["failedCreate"] = error.last_response["Stacks"][0]["StackStatus"]
    report["badTemplate"] = error_of(lambda: cfn.validate_template(TemplateBody="Resources: [\n"))["code"]

    print(json.dumps(report, default=str))


if __name__ == "__main__":
    main(sys.argv[1])
