"""Sets up and checks the resources the hostile-input suite must leave intact, with boto3 (a client
modelship did not write).

Usage: python3 hostile_boto3.py setup|check
The endpoint, region and credentials come from the environment (AWS_ENDPOINT_URL, ...). `setup` creates a
repository, a model package group and a stack; `check` prints one JSON report of what every service
answers about them, which the jest test asserts on.
"""

import json
import sys

import boto3

REPOSITORY = "hostile/app"
GROUP = "hostile-group"
STACK = "hostile-stack"
TEMPLATE = "Resources: {Setting: {Type: AWS::SSM::Parameter, Properties: {Type: String, Value: x}}}"


def setup():
    boto3.client("ecr").create_repository(repositoryName=REPOSITORY)
    boto3.client("sagemaker").create_model_package_group(ModelPackageGroupName=GROUP)
    cloudformation = boto3.client("cloudformation")
    cloudformation.create_stack(StackName=STACK, TemplateBody=TEMPLATE)
    cloudformation.get_waiter("stack_create_complete").wait(
        StackName=STACK, WaiterConfig={"Delay": 1, "MaxAttempts": 60}
    )


def check():
    stacks = boto3.client("cloudformation").list_stacks()["StackSummaries"]
    repositories = boto3.client("ecr").describe_repositories()["repositories"]
    groups = boto3.client("sagemaker").list_model_package_groups()["ModelPackageGroupSummaryList"]
    identity = boto3.client("sts").get_caller_identity()
    print(
        json.dumps(
            {
                "stacks": [[stack["StackName"], stack["StackStatus"]] for stack in stacks],
                "repositories": [repository["repositoryName"] for repository in repositories],
                "groups": [group["ModelPackageGroupName"] for group in groups],
                "account": identity["Account"],
            }
        )
    )


{"setup": setup, "check": check}[sys.argv[1]]()
