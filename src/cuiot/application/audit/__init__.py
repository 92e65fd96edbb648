"""The audit log: every area's commands write to it through the unit of work
(``ports.AuditLog``); admins read it (``queries/``)."""
