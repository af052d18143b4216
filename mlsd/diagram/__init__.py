"""Architecture diagrams of case studies: a text layout for the terminal, Mermaid and DOT.

Library code only: functions here take a :class:`~mlsd.content.schema.Diagram` and return
strings or plain data; printing belongs to :mod:`mlsd.render.diagram`.
"""

from __future__ import annotations
