"""What the crawler may connect to: one policy for every request, checked again at connection time."""

from crawler.outbound.policy import OutboundPolicy, Refusal

__all__ = ["OutboundPolicy", "Refusal"]
