"""Denunciations (tố cáo): the denouncer's identity vault and its confidentiality.

The identity is stored apart from the case, encrypted (vault.py); handlers see
a pseudonym; reading it takes a reveal approved by a designated custodian
(reveals.py, custodians.py); neither the accused nor anyone of the accused's
organisation may work the case (service.assignment_conflicts).
"""
