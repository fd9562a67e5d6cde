"""The Telegram front end: PTB application, handlers, HTML rendering, sending with retries."""
