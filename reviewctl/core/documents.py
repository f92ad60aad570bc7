"""Every file of a case folder by its short name, as workflow field paths use it."""

from __future__ import annotations

from importlib import import_module

from pydantic import BaseModel

DOCUMENT_FILES = {
    "case": "case.yaml", "scoping": "scoping.yaml", "decision": "decision.yaml",
    "setup": "setup.yaml", "commission": "commission.yaml", "review": "review.yaml",
    "report": "report.yaml", "jcrg": "jcrg.yaml", "approvals": "approvals.yaml",
    "publication": "publication.yaml", "monitoring": "monitoring.yaml", "links": "links.yaml",
    "notes": "notes.yaml",
}
# Where each document's model lives: the later stages' models load only for a case
# that has got that far, which keeps a single-case command quick to start.
_MODELS = {
    "case": "case:Case", "scoping": "case:Scoping", "decision": "case:Decision",
    "setup": "records:Setup", "commission": "records:Commission", "review": "records:Review",
    "report": "records:Report", "jcrg": "records:Jcrg", "approvals": "records:Approvals",
    "publication": "records:Publication", "monitoring": "records:Monitoring", "links": "records:Links",
    "notes": "records:Notes",
}


def model_for(name: str) -> type[BaseModel]:
    module, _, cls = _MODELS[name].partition(":")
    model = getattr(import_module(f"reviewctl.core.{module}"), cls)
    assert isinstance(model, type) and issubclass(model, BaseModel)
    return model
