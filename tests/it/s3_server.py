"""A real S3-compatible server on 127.0.0.1 for the tests (moto's server).

Usage: s3_server.py PORT BUCKET PREFIX DIR. Creates BUCKET, uploads every file under DIR
to BUCKET/PREFIX/<its path under DIR>, prints "ready", and stops when stdin closes.
Clients use the access key "test" with the secret "test" in region us-east-1.
"""
import os
import sys

import boto3
from moto.server import ThreadedMotoServer

port, bucket, prefix, root = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
server.start()
s3 = boto3.client(
    "s3",
    endpoint_url=f"http://127.0.0.1:{port}",
    aws_access_key_id="test",
    aws_secret_access_key="test",
    region_name="us-east-1",
)
s3.create_bucket(Bucket=bucket)
for dirpath, _, files in os.walk(root):
    for name in files:
        path = os.path.join(dirpath, name)
        key = prefix + "/" + os.path.relpath(path, root).replace(os.sep, "/")
        s3.upload_file(path, bucket, key)
print("ready", flush=True)
sys.stdin.read()
server.stop()
