"""Feedback: the controller (steps, draft, submit, receipt) and its screens (category and rating, text and
phone, review and receipt). The desk that stores it is services/feedback."""
