"""The product catalogue: what Vetanco sells, the names the WhatsApp bot matches against."""
