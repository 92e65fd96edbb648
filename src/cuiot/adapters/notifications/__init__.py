"""Channel adapters of the notification outbox (SMTP, webhook, SMS and push providers,
the log), the router choosing one per notification, and the dispatcher runner."""
