"""Demo plans, registrations, evaluations and recognition for the trees of party/demo/."""
