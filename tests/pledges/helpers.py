"""Build POST data for the deed-row forms the way the browser sends them."""


def deed_post(deeds: list[dict], *, prefix: str = "deeds", initial: int = 0, **fields) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(deeds)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for index, deed in enumerate(deeds):
        for key, value in deed.items():
            data[f"{prefix}-{index}-{key}"] = "on" if value is True else value
    return data
