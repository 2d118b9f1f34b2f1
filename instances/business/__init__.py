"""WhatsApp Business on an instance (spec 001, "WhatsApp Business"): labels, catalog, collections,
company profile, and copying them to other numbers of the partner.

Z-API calls labels "tags"; here and on every page they are *labels*, one name everywhere.
Our rows are a copy of what Z-API last answered (each says when it was read): Z-API is the
truth, a sync reads it again.
"""
