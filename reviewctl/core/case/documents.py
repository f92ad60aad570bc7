"""Every file of a case folder by its short name, as workflow field paths use it."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the models load when a document is first read or checked
    from pydantic import BaseModel

# Where each document's model lives: the later stages' models load only for a case
# that has got that far, which keeps a single-case command quick to start.
_MODELS = {
    "case": "case.models:Case",
    "scoping": "case.models:Scoping",
    "decision": "case.models:Decision",
    "setup": "case.review_records:Setup",
    "commission": "case.review_records:Commission",
    "review": "case.review_records:Review",
    "report": "case.review_records:Report",
    "jcrg": "case.review_records:Jcrg",
    "approvals": "case.review_records:Approvals",
    "publication": "case.review_records:Publication",
    "monitoring": "case.review_records:Monitoring",
    "links": "case.review_records:Links",
    "notes": "case.review_records:Notes",
    "clocks": "case.clock_records:Clocks",
    "homeoffice": "case.statutory_records:HomeOffice",
    "proceedings": "case.statutory_records:Proceedings",
    "profile": "case.statutory_records:Profile",
}
# Each document is the file of its name: `scoping` is scoping.yaml.
DOCUMENT_FILES = {name: f"{name}.yaml" for name in _MODELS}


def model_where(name: str) -> tuple[str, str]:
    """Where the model of the document `name` is: its module's full name and the class's."""
    module, _, cls = _MODELS[name].partition(":")
    return f"reviewctl.core.{module}", cls


def model_for(name: str) -> type[BaseModel]:
    """The model of the document `name` (its module is imported on the first call)."""
    module, cls = model_where(name)
    model: type[BaseModel] = getattr(import_module(module), cls)
    return model


def document_of(model: type[BaseModel]) -> str:
    """The name of the document whose model is `model`."""
    where = f"{model.__module__.removeprefix('reviewctl.core.')}:{model.__name__}"
    for name, found in _MODELS.items():
        if found == where:
            return name
    raise TypeError(f"{model.__name__} is the model of no case document (documents: {', '.join(_MODELS)})")
