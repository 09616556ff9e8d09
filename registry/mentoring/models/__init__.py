"""Models of the mentoring records; import them from here."""
from registry.mentoring.models.pairs import MentoringPair, PairMentee, PairMentor
from registry.mentoring.models.partners import Partner, PartnerAgreement
from registry.mentoring.models.people import Award, Consent, Mentee, Mentor
from registry.mentoring.models.persons import Person
from registry.mentoring.models.practices import Practice

__all__ = ["Award", "Consent", "Mentee", "Mentor", "MentoringPair", "PairMentee", "PairMentor", "Partner",
           "PartnerAgreement", "Person", "Practice"]
