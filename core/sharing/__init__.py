"""Letting staff use Groundwork from their own computers (issue 20): no streamlit here.

- ``certificate``: the office network's TLS certificate, made on this computer once (key 0600).
- ``relay``: the encrypted listener on the office network that passes each connection through to the
  Streamlit server, which itself stays on 127.0.0.1.
- ``keeper``: opens and closes the relay as the ``sharing`` setting says, while the app runs.
- ``switch``: turning sharing on (only with an owner account) and off; the address and its QR code.
"""
