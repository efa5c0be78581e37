"""Local replica portal sites (CMS families with their faults), served on 127.0.0.1 for tests and the demo."""
