"""Follow-up of conclusions (theo dõi thực hiện kết luận).

Each conclusion lists the actions it requires — self-criticism, remedy,
recovery of money, discipline — with an owner and a due date, tracked until
done or waived by the chair; while one is open the case cannot close
(``service.close_blockers``, a case check of ``cases.service``). A re-check of
implementation opens as its own linked case (``recheck.open_recheck``).
"""
