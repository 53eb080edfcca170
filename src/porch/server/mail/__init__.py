"""E-mail, only when the operator configures an SMTP server: what to send (notify.py), the signed
links in it (links.py), the texts (templates.py), and the task that sends it (sender.py)."""
