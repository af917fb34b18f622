"""Drives the local stack's STS and ECR with boto3, a client modelship did not write.

Usage: python3 ecr_boto3.py <repository-with-image> <tag>
The endpoint, region and credentials come from the environment (AWS_ENDPOINT_URL, ...), exactly as for
any boto3 program. <repository-with-image> already holds an image under <tag>, pushed with docker.
Prints one JSON report of what the service answered; the jest test asserts on it.
"""

import base64
import json
import sys
import time

import boto3
from botocore.exceptions import ClientError

POLICY = json.dumps(
    {
        "rules": [
            {
                "rulePriority": 1,
                "description": "keep ten",
                "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 10},
                "action": {"type": "expire"},
            }
        ]
    }
)


def error_code(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as error:
        return error.response["Error"]["Code"]
    return None


def main(image_repository, tag):
    ecr = boto3.client("ecr")
    sts = boto3.client("sts")
    report = {"account": sts.get_caller_identity()["Account"]}
    name = "compat-boto3/settings"

    created = ecr.create_repository(
        repositoryName=name,
        imageTagMutability="IMMUTABLE",
        imageScanningConfiguration={"scanOnPush": True},
        encryptionConfiguration={"encryptionType": "AES256"},
        tags=[{"Key": "team", "Value": "ml"}],
    )["repository"]
    report["created"] = {key: created[key] for key in ("repositoryName", "repositoryUri", "imageTagMutability")}
    report["duplicate"] = error_code(ecr.create_repository, repositoryName=name)
    report["invalidName"] = error_code(ecr.create_repository, repositoryName="Not/Valid")
    report["described"] = [
        repository["repositoryName"]
        for page in ecr.get_paginator("describe_repositories").paginate(PaginationConfig={"PageSize": 1})
        for repository in page["repositories"]
    ]
    report["missing"] = error_code(ecr.describe_repositories, repositoryNames=["compat-boto3/none"])

    token = ecr.get_authorization_token()["authorizationData"][0]
    report["proxyEndpoint"] = token["proxyEndpoint"]
    report["tokenUser"] = base64.b64decode(token["authorizationToken"]).decode().split(":")[0]
    report["tokenExpiresInFuture"] = token["expiresAt"].timestamp() > time.time()

    ecr.put_lifecycle_policy(repositoryName=name, lifecyclePolicyText=POLICY)
    report["policyRoundTrip"] = ecr.get_lifecycle_policy(repositoryName=name)["lifecyclePolicyText"] == POLICY
    ecr.delete_lifecycle_policy(repositoryName=name)
    report["policyAfterDelete"] = error_code(ecr.get_lifecycle_policy, repositoryName=name)
    report["badPolicy"] = error_code(
        ecr.put_lifecycle_policy,
        repositoryName=name,
        lifecyclePolicyText=POLICY.replace("imageCountMoreThan", "imageCountAbout"),
    )

    report["mutability"] = ecr.put_image_tag_mutability(repositoryName=name, imageTagMutability="MUTABLE")[
        "imageTagMutability"
    ]
    report["scanning"] = ecr.put_image_scanning_configuration(
        repositoryName=name, imageScanningConfiguration={"scanOnPush": False}
    )["imageScanningConfiguration"]

    arn = created["repositoryArn"]
    ecr.tag_resource(resourceArn=arn, tags=[{"Key": "stage", "Value": "test"}])
    ecr.untag_resource(resourceArn=arn, tagKeys=["team"])
    report["tags"] = ecr.list_tags_for_resource(resourceArn=arn)["tags"]

    images = ecr.describe_images(repositoryName=image_repository)["imageDetails"]
    report["images"] = [
        {key: image.get(key) for key in ("imageDigest", "imageTags", "imageManifestMediaType")} for image in images
    ]
    report["imageSizePositive"] = all(image["imageSizeInBytes"] > 0 for image in images)
    report["listed"] = ecr.list_images(repositoryName=image_repository)["imageIds"]
    got = ecr.batch_get_image(repositoryName=image_repository, imageIds=[{"imageTag": tag}, {"imageTag": "nope"}])
    manifest = got["images"][0]["imageManifest"]
    report["batchGet"] = {
        "digest": got["images"][0]["imageId"]["imageDigest"],
        "mediaType": got["images"][0]["imageManifestMediaType"],
        "failures": [failure["failureCode"] for failure in got["failures"]],
    }
    put = ecr.put_image(repositoryName=image_repository, imageManifest=manifest, imageTag=tag + "-boto3")
    report["putImage"] = put["image"]["imageId"]
    report["putImageAgain"] = error_code(
        ecr.put_image, repositoryName=image_repository, imageManifest=manifest, imageTag=tag + "-boto3"
    )
    report["batchDelete"] = ecr.batch_delete_image(
        repositoryName=image_repository, imageIds=[{"imageTag": tag + "-boto3"}]
    )["imageIds"]
    report["imageNotFound"] = error_code(
        ecr.describe_images, repositoryName=image_repository, imageIds=[{"imageTag": "nope"}]
    )

    ecr.delete_repository(repositoryName=name)
    report["notEmpty"] = error_code(ecr.delete_repository, repositoryName=image_repository)
    report["forceDeleted"] = ecr.delete_repository(repositoryName=image_repository, force=True)["repository"][
        "repositoryName"
    ]
    print(json.dumps(report, default=str))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
