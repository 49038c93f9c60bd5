"""Object storage through the `minio` client against any S3 API (MinIO, or moto locally)."""
