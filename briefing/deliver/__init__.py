"""Stage 7, delivery: the digest a build wrote, mailed exactly once per digest and recipient list.

Contract. In: the build's files (`Outputs`, read back from disk, so a digest built earlier works too) and
`MailOptions`. Out: a message handed to an SMTP server (or a `.eml` file for a dry run) and a ledger entry
(`sent-ledger.json`) once the server accepted it. Never sends a digest twice to the same recipients (unless
`force`), never records a message the server did not accept, never lets text from an article become a
header; an uncertain delivery is recorded as such and the next run asks instead of sending again.
`pipeline.email` runs the build between `mailed_before` and `deliver`.

- `addresses.py` recipients, sender, one-line header text     - `compose.py` the message from the files
- `smtp.py`      the SMTP session and its errors               - `ledger.py`  what was sent, and the lock
- `stage.py`     `mailed_before`, `deliver`, `send_digest`      - `settings.py` ports, names and limits
"""

from briefing.deliver.stage import Delivery, deliver, mailed_before, send_digest

__all__ = ["Delivery", "deliver", "mailed_before", "send_digest"]
