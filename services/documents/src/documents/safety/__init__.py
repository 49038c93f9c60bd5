"""What an uploaded file must pass before it is stored: size, virus scan, type from the
content, the type's own checks, images re-encoded without metadata, a clean file name."""
