"""Every file of a case folder by its short name, as workflow field paths use it."""

from __future__ import annotations

from pydantic import BaseModel

from reviewctl.core import records
from reviewctl.core.case import Case, Decision, Scoping

DOCUMENT_FILES = {
    "case": "case.yaml", "scoping": "scoping.yaml", "decision": "decision.yaml",
    "setup": "setup.yaml", "commission": "commission.yaml", "review": "review.yaml",
    "report": "report.yaml", "jcrg": "jcrg.yaml", "approvals": "approvals.yaml",
    "publication": "publication.yaml", "monitoring": "monitoring.yaml", "links": "links.yaml",
    "notes": "notes.yaml",
}
MODELS: dict[str, type[BaseModel]] = {
    "case": Case, "scoping": Scoping, "decision": Decision, "setup": records.Setup,
    "commission": records.Commission, "review": records.Review, "report": records.Report,
    "jcrg": records.Jcrg, "approvals": records.Approvals, "publication": records.Publication,
    "monitoring": records.Monitoring, "links": records.Links, "notes": records.Notes,
}
