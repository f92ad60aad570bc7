"""Every file of a case folder by its short name, as workflow field paths use it."""

from __future__ import annotations

from importlib import import_module

from pydantic import BaseModel

# Where each document's model lives: the later stages' models load only for a case
# that has got that far, which keeps a single-case command quick to start.
_MODELS = {
    "case": "case:Case", "scoping": "case:Scoping", "decision": "case:Decision",
    "setup": "records:Setup", "commission": "records:Commission", "review": "records:Review",
    "report": "records:Report", "jcrg": "records:Jcrg", "approvals": "records:Approvals",
    "publication": "records:Publication", "monitoring": "records:Monitoring", "links": "records:Links",
    "notes": "records:Notes", "clocks": "clockrecords:Clocks",
    "homeoffice": "statrecords:HomeOffice", "proceedings": "statrecords:Proceedings", "profile": "statrecords:Profile",
}
# Each document is the file of its name: `scoping` is scoping.yaml.
DOCUMENT_FILES = {name: f"{name}.yaml" for name in _MODELS}


def model_for(name: str) -> type[BaseModel]:
    module, _, cls = _MODELS[name].partition(":")
    model = getattr(import_module(f"reviewctl.core.{module}"), cls)
    assert isinstance(model, type) and issubclass(model, BaseModel)
    return model
