"""boto 2 (Debian python3-boto) against gl-local: Layer1, Layer2 and ConcurrentUploader.

Run by test/local/python-clients.test.ts with GL_LOCAL_URL set; prints one line per check and
exits non-zero on the first failure.
"""
import json
import os
import sys
import tempfile
from urllib.parse import urlparse

import boto
from boto.glacier.concurrent import ConcurrentUploader
from boto.glacier.exceptions import UnexpectedHTTPResponseError
from boto.glacier.layer1 import Layer1
from boto.glacier.layer2 import Layer2
from boto.glacier.utils import compute_hashes_from_fileobj, tree_hash_from_str
from boto.regioninfo import RegionInfo

MIB = 1024 * 1024


def check(condition, what):
    if not condition:
        raise AssertionError(what)
    print("ok", what)


def hex_text(value):
    """boto 2 on Python 3 returns some hex digests as bytes."""
    return value.decode() if isinstance(value, bytes) else value


def data(length, offset=0):
    return bytes((i + offset) % 251 for i in range(length))


url = urlparse(os.environ["GL_LOCAL_URL"])
connection = dict(
    aws_access_key_id="test",
    aws_secret_access_key="test",
    region=RegionInfo(name="us-east-1", endpoint=url.hostname),
    is_secure=False,
    port=url.port,
)
print("boto", boto.__version__)
scratch = tempfile.mkdtemp()

layer1 = Layer1(**connection)
layer1.create_vault("b2")
check(layer1.describe_vault("b2")["VaultName"] == "b2", "Layer1 describe_vault")
check([v["VaultName"] for v in layer1.list_vaults()["VaultList"]] == ["b2"], "Layer1 list_vaults")

small = data(5000)
path = os.path.join(scratch, "small.bin")
with open(path, "wb") as f:
    f.write(small)
with open(path, "rb") as f:
    linear, tree = compute_hashes_from_fileobj(f)
archive = layer1.upload_archive("b2", small, linear, tree, "boto2 layer1")
check(len(archive["ArchiveId"]) == 138, "Layer1 upload_archive")

job = layer1.initiate_job("b2", {"Type": "archive-retrieval", "ArchiveId": archive["ArchiveId"]})
described = layer1.describe_job("b2", job["JobId"])
check(described["StatusCode"] == "Succeeded", "Layer1 initiate_job/describe_job (InitiateJob without a Content-Type)")
output = layer1.get_job_output("b2", job["JobId"])
check(output.read() == small, "Layer1 get_job_output")
check([j["JobId"] for j in layer1.list_jobs("b2")["JobList"]] == [job["JobId"]], "Layer1 list_jobs")

layer2 = Layer2(**connection)
vault = layer2.get_vault("b2")
check(vault.name == "b2" and vault.number_of_archives == 1, "Layer2 get_vault (every DescribeVault key present)")
medium = data(9 * MIB + 3, 11)
medium_path = os.path.join(scratch, "medium.bin")
with open(medium_path, "wb") as f:
    f.write(medium)
writer = vault.create_archive_writer(part_size=MIB, description="boto2 writer")
with open(medium_path, "rb") as f:
    while True:
        chunk = f.read(3 * MIB + 17)
        if not chunk:
            break
        writer.write(chunk)
writer.close()
writer_id = writer.get_archive_id()
check(len(writer_id) == 138, "Layer2 archive writer (multipart)")
simple_id = vault.upload_archive(path, description="boto2 vault upload")
check(len(simple_id) == 138, "Layer2 Vault.upload_archive")

retrieval = vault.retrieve_archive(writer_id)
job = vault.get_job(retrieval.id)
check(job.completed and job.status_code == "Succeeded", "Layer2 retrieve_archive/get_job (every DescribeJob key present)")
downloaded = os.path.join(scratch, "downloaded.bin")
# verify_hashes=True cannot pass on Python 3: boto 2.49 compares the hexlify()ed bytes it computes
# with the str header value (job.py _download_to_fileob), so the chunk hashes are checked below.
job.download_to_file(downloaded, verify_hashes=False)
with open(downloaded, "rb") as f:
    check(f.read() == medium, "Layer2 Job.download_to_file in 4 MiB chunks (the last range runs past the end)")
for first in range(0, len(medium), 4 * MIB):
    response = job.get_output(byte_range=(first, first + 4 * MIB - 1))
    chunk = response.read()
    check(chunk == medium[first:first + 4 * MIB], "chunk at %d" % first)
    check(response["TreeHash"] == hex_text(tree_hash_from_str(chunk)), "chunk at %d: x-amz-sha256-tree-hash matches" % first)
check(len(vault.list_jobs(completed=True)) == 2, "Layer2 list_jobs")

uploader = ConcurrentUploader(layer1, "b2", part_size=MIB, num_threads=2)
concurrent_id = uploader.upload(medium_path, "boto2 concurrent")
check(len(concurrent_id) == 138, "ConcurrentUploader.upload")
inventory_job = vault.retrieve_inventory_job()
inventory = json.loads(layer1.get_job_output("b2", inventory_job.id).read().decode())
check(len(inventory["ArchiveList"]) == 4, "inventory lists the four archives")
concurrent = [a for a in inventory["ArchiveList"] if a["ArchiveId"] == concurrent_id][0]
with open(medium_path, "rb") as f:
    check(concurrent["SHA256TreeHash"] == hex_text(compute_hashes_from_fileobj(f)[1]) and concurrent["Size"] == len(medium), "the concurrent upload has the right tree hash and size")

try:
    layer1.describe_vault("nope")
    check(False, "describe_vault of a missing vault fails")
except UnexpectedHTTPResponseError as err:
    check(err.status == 404 and err.code == "ResourceNotFoundException", "UnexpectedHTTPResponseError 404 ResourceNotFoundException")
print("boto2 done")
