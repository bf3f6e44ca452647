"""boto3 against gl-local: vaults, archives, multipart, jobs, inventory, errors.

Run by test/local/python-clients.test.ts with GL_LOCAL_URL set; prints one line per check and
exits non-zero on the first failure.
"""
import io
import json
import os
import sys

import boto3
import botocore
from botocore.exceptions import ClientError
from botocore.utils import calculate_tree_hash

MIB = 1024 * 1024


def check(condition, what):
    if not condition:
        raise AssertionError(what)
    print("ok", what)


def data(length, offset=0):
    return bytes((i + offset) % 251 for i in range(length))


glacier = boto3.client(
    "glacier",
    endpoint_url=os.environ["GL_LOCAL_URL"],
    region_name="us-east-1",
    aws_access_key_id="test",
    aws_secret_access_key="test",
)
print("boto3", boto3.__version__, "botocore", botocore.__version__)

glacier.create_vault(vaultName="b3")
vault = glacier.describe_vault(vaultName="b3")
check(vault["VaultName"] == "b3" and vault["NumberOfArchives"] == 0, "describe_vault")
names = [v["VaultName"] for page in glacier.get_paginator("list_vaults").paginate() for v in page["VaultList"]]
check(names == ["b3"], "list_vaults paginator")

single = data(2 * MIB + 10)
uploaded = glacier.upload_archive(vaultName="b3", body=single, archiveDescription="boto3 single")
check(uploaded["checksum"] == calculate_tree_hash(io.BytesIO(single)), "upload_archive checksum")

whole = data(3 * MIB + 99, 5)
upload_id = glacier.initiate_multipart_upload(vaultName="b3", partSize=str(MIB))["uploadId"]
for first in range(0, len(whole), MIB):
    part = whole[first:first + MIB]
    glacier.upload_multipart_part(vaultName="b3", uploadId=upload_id, range="bytes %d-%d/*" % (first, first + len(part) - 1), body=part)
parts = [p["RangeInBytes"] for page in glacier.get_paginator("list_parts").paginate(vaultName="b3", uploadId=upload_id, PaginationConfig={"PageSize": 2}) for p in page["Parts"]]
check(parts == ["0-1048575", "1048576-2097151", "2097152-3145727", "3145728-3145826"], "list_parts paginator")
uploads = glacier.list_multipart_uploads(vaultName="b3")["UploadsList"]
check([u["MultipartUploadId"] for u in uploads] == [upload_id], "list_multipart_uploads")
completed = glacier.complete_multipart_upload(vaultName="b3", uploadId=upload_id, archiveSize=str(len(whole)), checksum=calculate_tree_hash(io.BytesIO(whole)))
check(completed["checksum"] == calculate_tree_hash(io.BytesIO(whole)), "complete_multipart_upload")

job_id = glacier.initiate_job(vaultName="b3", jobParameters={"Type": "archive-retrieval", "ArchiveId": completed["archiveId"], "RetrievalByteRange": "1048576-3145826"})["jobId"]
job = glacier.describe_job(vaultName="b3", jobId=job_id)
check(job["StatusCode"] == "Succeeded" and job["RetrievalByteRange"] == "1048576-3145826", "describe_job")
check(job.get("SHA256TreeHash") is None, "no tree hash for a range that is not tree-hash aligned")
out = glacier.get_job_output(vaultName="b3", jobId=job_id)
check(out["body"].read() == whole[MIB:], "get_job_output of a RetrievalByteRange job")
ranged = glacier.get_job_output(vaultName="b3", jobId=job_id, range="bytes=1048576-2097151")
check(ranged["status"] == 206 and ranged["body"].read() == whole[2 * MIB:3 * MIB], "get_job_output with range")
check("checksum" not in ranged, "a job whose range is not tree-hash aligned never returns a tree hash")
aligned_id = glacier.initiate_job(vaultName="b3", jobParameters={"Type": "archive-retrieval", "ArchiveId": completed["archiveId"], "RetrievalByteRange": "2097152-3145826"})["jobId"]
leaf = glacier.get_job_output(vaultName="b3", jobId=aligned_id, range="bytes=0-1048575")
check(leaf["checksum"] == calculate_tree_hash(io.BytesIO(whole[2 * MIB:3 * MIB])), "an aligned job's aligned range carries its tree hash")

inventory_id = glacier.initiate_job(vaultName="b3", jobParameters={"Type": "inventory-retrieval", "Format": "JSON"})["jobId"]
inventory = json.loads(glacier.get_job_output(vaultName="b3", jobId=inventory_id)["body"].read())
check(sorted(a["Size"] for a in inventory["ArchiveList"]) == sorted([len(single), len(whole)]), "inventory")
jobs = glacier.list_jobs(vaultName="b3", completed="true")["JobList"]
check(len(jobs) == 3, "list_jobs")

try:
    glacier.describe_vault(vaultName="nope")
    check(False, "describe_vault of a missing vault fails")
except ClientError as err:
    check(err.response["Error"]["Code"] == "ResourceNotFoundException", "ClientError code ResourceNotFoundException")
    check(err.response["ResponseMetadata"]["HTTPStatusCode"] == 404, "status 404")

glacier.delete_archive(vaultName="b3", archiveId=uploaded["archiveId"])
glacier.delete_archive(vaultName="b3", archiveId=completed["archiveId"])
glacier.delete_vault(vaultName="b3")
check(glacier.list_vaults()["VaultList"] == [], "delete_archive and delete_vault")
print("boto3 done")
