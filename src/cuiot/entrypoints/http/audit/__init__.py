"""/audit: the audit log, read by admins."""
