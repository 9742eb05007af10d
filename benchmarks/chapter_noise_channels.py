"""Reference: the chapter's listing for the noise/zero-channel experiment, as the book has it.

Kept verbatim in spirit (float64 noise from np.random.random, both matrices built up front,
no compilation options) so that benchmarks compare against what a reader would run.
Usage: python benchmarks/chapter_noise_channels.py MNIST_NPZ EPOCHS
"""

import json
import sys

import keras
import numpy as np
from keras import layers

with np.load(sys.argv[1]) as f:
    train_images, train_labels = f["x_train"], f["y_train"]
epochs = int(sys.argv[2])
train_images = train_images.reshape((60000, 28 * 28))
train_images = train_images.astype("float32") / 255
train_images_with_noise_channels = np.concatenate(
    [train_images, np.random.random((len(train_images), 784))], axis=1
)
train_images_with_zeros_channels = np.concatenate(
    [train_images, np.zeros((len(train_images), 784))], axis=1
)


def get_model():
    model = keras.Sequential(
        [layers.Dense(512, activation="relu"), layers.Dense(10, activation="softmax")]
    )
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


model = get_model()
history_noise = model.fit(
    train_images_with_noise_channels,
    train_labels,
    epochs=epochs,
    batch_size=128,
    validation_split=0.2,
    verbose=0,
)
model = get_model()
history_zeros = model.fit(
    train_images_with_zeros_channels,
    train_labels,
    epochs=epochs,
    batch_size=128,
    validation_split=0.2,
    verbose=0,
)
print(
    json.dumps(
        {
            "noise": history_noise.history["val_accuracy"][-1],
            "zeros": history_zeros.history["val_accuracy"][-1],
        }
    )
)
