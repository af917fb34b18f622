"""Drives the local stack's IAM, STS, accounts and --enforce-iam with boto3, a client modelship did not write.

Usage: python3 identity_boto3.py <unique-suffix>
The endpoint, region and credentials come from the environment (AWS_ENDPOINT_URL, ...); the stack must
run with --enforce-iam. Tokens come from the stack's local OIDC issuer (POST /_modelship/oidc/token).
Prints one JSON report of what the services answered; the jest test asserts on it.
"""

import json
import os
import sys
import urllib.request

import boto3
from botocore.exceptions import ClientError

GITHUB = "token.actions.githubusercontent.com"
ENDPOINT = os.environ["AWS_ENDPOINT_URL"]


def error_of(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as error:
        return {
            "code": error.response["Error"]["Code"],
            "status": error.response["ResponseMetadata"]["HTTPStatusCode"],
            "message": error.response["Error"]["Message"],
        }
    return None


def mint(**request):
    body = json.dumps(request).encode()
    post = urllib.request.Request(f"{ENDPOINT}/_modelship/oidc/token", data=body, method="POST")
    post.add_header("content-type", "application/json")
    with urllib.request.urlopen(post) as response:
        return json.load(response)["value"]


def session_of(credentials):
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def main(suffix):
    iam = boto3.client("iam")
    sts = boto3.client("sts")
    cfn = boto3.client("cloudformation")
    account = sts.get_caller_identity()["Account"]
    report = {}
    repository = f"acme/model-{suffix}"

    provider_arn = iam.create_open_id_connect_provider(
        Url=f"https://{GITHUB}", ClientIDList=["sts.amazonaws.com"]
    )["OpenIDConnectProviderArn"]
    report["provider"] = {
        "arn": provider_arn,
        "url": iam.get_open_id_connect_provider(OpenIDConnectProviderArn=provider_arn)["Url"],
        "listed": provider_arn
        in [item["Arn"] for item in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]],
        "duplicate": error_of(
            iam.create_open_id_connect_provider, Url=f"https://{GITHUB}", ClientIDList=["sts.amazonaws.com"]
        )["code"],
    }

    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com"},
                    "StringLike": {f"{GITHUB}:sub": f"repo:{repository}:environment:production"},
                },
            }
        ],
    }
    role_name = f"deployer-{suffix}"
    created = iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(trust), Path="/ci/")["Role"]
    fetched = iam.get_role(RoleName=role_name)["Role"]
    report["role"] = {
        "arn": created["Arn"],
        "idPrefix": created["RoleId"][:4],
        "trustRoundTrip": fetched["AssumeRolePolicyDocument"] == trust,
        "listed": role_name in [role["RoleName"] for role in iam.list_roles(PathPrefix="/ci/")["Roles"]],
        "duplicate": error_of(iam.create_role, RoleName=role_name, AssumeRolePolicyDocument=json.dumps(trust)),
        "missing": error_of(iam.get_role, RoleName=f"none-{suffix}"),
        "malformed": error_of(iam.create_role, RoleName=f"bad-{suffix}", AssumeRolePolicyDocument="{not json"),
    }

    deploy_policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "cloudformation:*", "Resource": "*"}],
    }
    iam.put_role_policy(RoleName=role_name, PolicyName="deploy", PolicyDocument=json.dumps(deploy_policy))
    managed_arn = iam.create_policy(
        PolicyName=f"read-{suffix}",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecr:Describe*", "Resource": "*"}]}
        ),
    )["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=role_name, PolicyArn=managed_arn)
    report["policies"] = {
        "inline": iam.list_role_policies(RoleName=role_name)["PolicyNames"],
        "inlineRoundTrip": iam.get_role_policy(RoleName=role_name, PolicyName="deploy")["PolicyDocument"]
        == deploy_policy,
        "attached": [item["PolicyArn"] for item in iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]],
        "attachmentCount": iam.get_policy(PolicyArn=managed_arn)["Policy"]["AttachmentCount"],
        "version": iam.get_policy_version(PolicyArn=managed_arn, VersionId="v1")["PolicyVersion"]["Document"][
            "Statement"
        ][0]["Action"],
        "deleteAttachedPolicy": error_of(iam.delete_policy, PolicyArn=managed_arn)["code"],
        "deleteRoleWithPolicies": error_of(iam.delete_role, RoleName=role_name)["code"],
    }

    role_arn = created["Arn"]
    production = mint(repository=repository, environment="production")
    assumed = sts.assume_role_with_web_identity(
        RoleArn=role_arn, RoleSessionName="release", WebIdentityToken=production
    )
    identity = session_of(assumed["Credentials"]).client("sts").get_caller_identity()
    report["webIdentity"] = {
        "keyPrefix": assumed["Credentials"]["AccessKeyId"][:4],
        "subject": assumed["SubjectFromWebIdentityToken"],
        "audience": assumed["Audience"],
        "assumedArn": assumed["AssumedRoleUser"]["Arn"],
        "callerArn": identity["Arn"],
        "callerAccount": identity["Account"],
        "otherEnvironment": error_of(
            sts.assume_role_with_web_identity,
            RoleArn=role_arn,
            RoleSessionName="release",
            WebIdentityToken=mint(repository=repository, environment="staging"),
        ),
        "expired": error_of(
            sts.assume_role_with_web_identity,
            RoleArn=role_arn,
            RoleSessionName="release",
            WebIdentityToken=mint(repository=repository, environment="production", expiresInSeconds=-60),
        )["code"],
        "wrongAudience": error_of(
            sts.assume_role_with_web_identity,
            RoleArn=role_arn,
            RoleSessionName="release",
            WebIdentityToken=mint(repository=repository, environment="production", audience="someone-else"),
        )["code"],
        "unknownRole": error_of(
            sts.assume_role_with_web_identity,
            RoleArn=f"arn:aws:iam::{account}:role/none-{suffix}",
            RoleSessionName="release",
            WebIdentityToken=production,
        )["code"],
    }

    # A preview role may touch only preview stacks (*-pr-*); AssumeRole from the account's own credentials.
    preview_name = f"preview-{suffix}"
    iam.create_role(
        RoleName=preview_name,
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"}
                ],
            }
        ),
    )
    iam.put_role_policy(
        RoleName=preview_name,
        PolicyName="previews-only",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["cloudformation:UpdateStack", "cloudformation:Describe*"],
                        "Resource": "arn:aws:cloudformation:*:*:stack/*-pr-*/*",
                        "Condition": {"StringEquals": {"aws:RequestedRegion": os.environ["AWS_DEFAULT_REGION"]}},
                    }
                ],
            }
        ),
    )
    template = json.dumps({"Resources": {"Handle": {"Type": "AWS::CloudFormation::WaitConditionHandle"}}})
    template2 = json.dumps({"Resources": {"Other": {"Type": "AWS::CloudFormation::WaitConditionHandle"}}})
    production_stack = f"model-{suffix}-production"
    preview_stack = f"model-{suffix}-pr-7"
    for name in (production_stack, preview_stack):
        cfn.create_stack(StackName=name, TemplateBody=template)
        cfn.get_waiter("stack_create_complete").wait(StackName=name, WaiterConfig={"Delay": 1})
    preview = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{preview_name}", RoleSessionName="pr-7")
    preview_cfn = session_of(preview["Credentials"]).client("cloudformation")
    preview_ecr = session_of(preview["Credentials"]).client("ecr")
    report["enforcement"] = {
        "callerArn": session_of(preview["Credentials"]).client("sts").get_caller_identity()["Arn"],
        "production": error_of(preview_cfn.update_stack, StackName=production_stack, TemplateBody=template2),
        "previewUpdated": preview_cfn.update_stack(StackName=preview_stack, TemplateBody=template2)["StackId"]
        .split("/")[1],
        "ecr": error_of(preview_ecr.create_repository, repositoryName=f"nope-{suffix}"),
        "unknownRole": error_of(
            sts.assume_role, RoleArn=f"arn:aws:iam::{account}:role/none-{suffix}", RoleSessionName="pr-7"
        )["code"],
    }

    # Two accounts side by side, chosen by 12-digit access key ids.
    def account_client(service, account_id):
        return boto3.client(service, aws_access_key_id=account_id, aws_secret_access_key="local")

    staging, production_account = "111111111111", "222222222222"
    account_client("ecr", staging).create_repository(repositoryName=f"shared-{suffix}")
    account_client("cloudformation", staging).create_stack(StackName=f"shared-{suffix}", TemplateBody=template)
    account_client("sagemaker", staging).create_model_package_group(ModelPackageGroupName=f"shared-{suffix}")
    report["accounts"] = {
        "callerAccount": account_client("sts", staging).get_caller_identity()["Account"],
        "registryId": account_client("ecr", staging).describe_repositories(repositoryNames=[f"shared-{suffix}"])[
            "repositories"
        ][0]["registryId"],
        "otherAccountRepository": error_of(
            account_client("ecr", production_account).describe_repositories, repositoryNames=[f"shared-{suffix}"]
        )["code"],
        "otherAccountStack": error_of(
            account_client("cloudformation", production_account).describe_stacks, StackName=f"shared-{suffix}"
        )["code"],
        "otherAccountGroup": error_of(
            account_client("sagemaker", production_account).describe_model_package_group,
            ModelPackageGroupName=f"shared-{suffix}",
        )["code"],
        "groupArn": account_client("sagemaker", staging).describe_model_package_group(
            ModelPackageGroupName=f"shared-{suffix}"
        )["ModelPackageGroupArn"],
        "sameNameElsewhere": account_client("ecr", production_account).create_repository(
            repositoryName=f"shared-{suffix}"
        )["repository"]["registryId"],
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1])
