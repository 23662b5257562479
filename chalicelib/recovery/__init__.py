"""Administrator-run recovery of an account whose second factor is lost (two-factor is
mandatory, so a lost phone must not lose a project): a request from the login page, an
administrator's start with the evidence they checked, a wait during which every verified
address can cancel it, then a new password and a new factor."""
