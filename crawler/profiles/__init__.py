"""Site profiles: one declarative YAML file per news site."""

from crawler.profiles.loader import (
    ProfileError,
    available_profiles,
    load_profile,
    load_profile_file,
    parse_profile,
)
from crawler.profiles.model import SiteProfile

__all__ = [
    "ProfileError",
    "SiteProfile",
    "available_profiles",
    "load_profile",
    "load_profile_file",
    "parse_profile",
]
