from django import forms


class CodeForm(forms.Form):
    """The 6-digit code from an authenticator app; `device` is the one it must match."""

    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=10,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("The code must be 6 digits, like 123456")
        allowed, refusal = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(
                "You have entered too many wrong codes. Wait a minute, then enter the code your app shows now"
            )
        if not self.device.verify_token(code):
            raise forms.ValidationError("The code is not right: enter the code your app shows now")
        return code
