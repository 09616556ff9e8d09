"""What every monitoring API view shares: the campaign's URL prefix.

Loading what a URL names (404) and who may do what (403) live in `monitoring.access`, shared with the web pages.
Views follow HOUSE_STYLE §8.5: load (404) → authorize (403) → parse → one service call; the request commits once.
"""
CAMPAIGN_URL = "/regions/<region_code>/campaigns/<int:year>"
