"""The project on this machine: its folders, processes, setting defaults, signals and scrapyd egg.

The base layer every other package may use: ``workdir`` (the checkout, `var/`, `.tools/`, private
files), ``process`` (is a pid alive), ``defaults`` (a setting's value in force, with its one
default in crawler/settings.py), ``signals`` (the project's own Scrapy signals) and ``egg`` (the
scrapyd egg). Nothing here is imported by importing the package.
"""
