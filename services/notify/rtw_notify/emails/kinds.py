"""The kinds of email notify sends. Each person may turn any of them off (their email preferences);
the in-app notification is written either way."""

from __future__ import annotations

EMAIL_KINDS: dict[str, str] = {
    "accommodation_requested": "a plan asks your organisation for accommodations (employer contacts)",
    "accommodation_due_soon": "an accommodation request is due in two business days (employer contacts)",
    "accommodation_decided": "the employer decided a request of your case, with any counter-offer (therapist)",
    "counter_accepted": "the therapist accepted your organisation's counter-proposal (employer contacts)",
    "accommodation_expired": "a request passed its due date unanswered (therapist, insurer contacts)",
    "restriction_review_due": "a restriction of your case is due for review in two business days (therapist)",
    "plan_review_due": "a plan of your case is due for review today (therapist)",
    "schedule_week_started": "a week of a graduated return-to-work schedule starts (employer contacts)",
    "webhook_disabled": "a webhook subscription of your organisation was disabled (organisation contacts)",
}
