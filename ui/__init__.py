"""The Gradio front end: layout and formatting only; every action goes through `assistant.Assistant`."""
